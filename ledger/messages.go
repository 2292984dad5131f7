package ledger

import (
	"fmt"
	"net/http"
	"time"

	"github.com/balie/balie"
	balisync "github.com/balie/balie/sync"
)

// Verdict codes the ledger gives besides the domain's own (balie.Code*);
// docs/sync-protocol.md says what each means and what the ledger did.
const (
	CodePointsNegative     = "points_negative"
	CodeCardSoldTwice      = "card_sold_twice"
	CodePayloadInvalid     = string(balie.CodePayloadInvalid)
	CodeTimeOutOfRange     = string(balie.CodeTimeOutOfRange)
	CodePointsCorrected    = "points_corrected"
	CodePriceNotCatalogue  = "price_not_catalogue"
	CodeTermCorrected      = "membership_term_corrected"
	CodeOrganiserMismatch  = "organiser_mismatch"
	CodeCardHolderMismatch = "card_holder_mismatch"
)

// problem builds an error answer; title is the English message, as the
// protocol wants it.
func problem(status int, code, nl, en string) *balisync.Problem {
	return &balisync.Problem{Type: "about:blank", Title: en, Status: status, Code: code, NL: nl, EN: en}
}

func problemBadRequest(nlDetail, enDetail string) *balisync.Problem {
	return problem(http.StatusBadRequest, balisync.CodeBadRequest,
		"Het verzoek is niet wat de ledger verwacht: "+nlDetail,
		"The request is not what the ledger takes: "+enDetail)
}

func problemUnauthorized() *balisync.Problem {
	return problem(http.StatusUnauthorized, balisync.CodeUnauthorized,
		"Deze kassa is niet aangemeld bij de ledger: de sleutel ontbreekt of klopt niet.",
		"This terminal is not signed in to the ledger: the credentials are missing or wrong.")
}

func problemRevoked() *balisync.Problem {
	return problem(http.StatusForbidden, balisync.CodeRevoked,
		"Deze kassa is ingetrokken en mag niet meer synchroniseren. Vraag de beheerder.",
		"This terminal was revoked and may no longer sync. Ask the administrator.")
}

func problemTokenInvalid() *balisync.Problem {
	return problem(http.StatusForbidden, balisync.CodeTokenInvalid,
		"Deze inschrijvingscode is onbekend, al gebruikt of verlopen. Vraag de beheerder om een nieuwe.",
		"This enrolment token is unknown, already used or expired. Ask the administrator for a new one.")
}

func problemWrongTerminal(seq int64) *balisync.Problem {
	p := problem(http.StatusForbidden, balisync.CodeWrongTerminal,
		fmt.Sprintf("Gebeurtenis %d hoort bij een andere kassa dan deze.", seq),
		fmt.Sprintf("Event %d belongs to another terminal than this one.", seq))
	p.Seq = seq
	return p
}

func problemGap(resume int64) *balisync.Problem {
	p := problem(http.StatusConflict, balisync.CodeSequenceGap,
		fmt.Sprintf("Stuur de gebeurtenissen vanaf volgnummer %d.", resume),
		fmt.Sprintf("Send the events from seq %d on.", resume))
	p.Resume = resume
	return p
}

func problemConflict(seq int64) *balisync.Problem {
	p := problem(http.StatusConflict, balisync.CodeEventConflict,
		fmt.Sprintf("Gebeurtenis %d bestaat al op de ledger met een andere inhoud. Er is niets bewaard; een verantwoordelijke moet dit nakijken.", seq),
		fmt.Sprintf("Event %d is already on the ledger with other content. Nothing was stored; a supervisor must look at it.", seq))
	p.Seq = seq
	return p
}

func problemChain(seq int64, what string) *balisync.Problem {
	nl, en := "de vorige hash klopt niet", "its previous hash does not match"
	if what == "hash" {
		nl, en = "de hash past niet bij de inhoud", "its hash does not match its content"
	}
	p := problem(http.StatusUnprocessableEntity, balisync.CodeChainBroken,
		fmt.Sprintf("De keten van het journaal is gebroken bij gebeurtenis %d: %s. Er is niets bewaard.", seq, nl),
		fmt.Sprintf("The journal's chain is broken at event %d: %s. Nothing was stored.", seq, en))
	p.Seq = seq
	return p
}

func problemTooLarge() *balisync.Problem {
	return problem(http.StatusRequestEntityTooLarge, balisync.CodeTooLarge,
		fmt.Sprintf("Te veel in één keer: hoogstens %d gebeurtenissen en %d MiB. Stuur kleinere pakketten.", balisync.MaxBatch, balisync.MaxBody>>20),
		fmt.Sprintf("Too much at once: at most %d events and %d MiB. Send smaller batches.", balisync.MaxBatch, balisync.MaxBody>>20))
}

func problemCursor(cursor string) *balisync.Problem {
	return problem(http.StatusBadRequest, balisync.CodeCursorInvalid,
		fmt.Sprintf("De ledger heeft cursor %q nooit gegeven. Download opnieuw vanaf het begin.", cursor),
		fmt.Sprintf("The ledger never gave cursor %q. Download again from the start.", cursor))
}

func problemMediaType() *balisync.Problem {
	return problem(http.StatusUnsupportedMediaType, balisync.CodeMediaType,
		"Stuur de inhoud als application/json.", "Send the body as application/json.")
}

func problemSignature(seq int64) *balisync.Problem {
	p := problem(http.StatusUnprocessableEntity, balisync.CodeSignatureInvalid,
		fmt.Sprintf("De handtekening van het journaal tot gebeurtenis %d ontbreekt of klopt niet. Er is niets bewaard; een verantwoordelijke moet dit nakijken.", seq),
		fmt.Sprintf("The signature of the journal up to event %d is missing or does not verify. Nothing was stored; a supervisor must look at it.", seq))
	p.Seq = seq
	return p
}

func problemKeyMissing() *balisync.Problem {
	return problem(http.StatusForbidden, balisync.CodeKeyMissing,
		"Deze kassa heeft de ledger nog geen publieke sleutel gegeven. Start de nieuwste versie van Balie: die doet het vanzelf.",
		"This terminal has not given the ledger a public key yet. Start the latest Balie: it does so by itself.")
}

func problemKeyKnown() *balisync.Problem {
	return problem(http.StatusConflict, balisync.CodeKeyKnown,
		"Deze kassa heeft al een publieke sleutel; die kan niet vervangen worden. Schrijf de kassa opnieuw in met een nieuwe code.",
		"This terminal already has a public key; it cannot be replaced. Enrol the terminal again with a new token.")
}

// ProblemProtocolOld answers a desk that speaks an older protocol than
// this ledger serves.
func ProblemProtocolOld(got string) *balisync.Problem {
	if got == "" {
		got = "1"
	}
	return problem(http.StatusUpgradeRequired, balisync.CodeProtocolOld,
		fmt.Sprintf("Deze kassa spreekt versie %s van het protocol; de ledger vraagt minstens versie %d. Installeer de nieuwste versie van Balie op deze kassa.", got, balisync.MinProtocol),
		fmt.Sprintf("This terminal speaks version %s of the protocol; the ledger needs at least version %d. Install the latest Balie on this terminal.", got, balisync.MinProtocol))
}

// ProblemTooManyAttempts answers an address that failed to sign in too
// often.
func ProblemTooManyAttempts() *balisync.Problem {
	return problem(http.StatusTooManyRequests, balisync.CodeTooManyAttempts,
		"Te veel mislukte aanmeldingen vanaf dit adres. Wacht een minuut en probeer opnieuw.",
		"Too many failed sign-ins from this address. Wait a minute and try again.")
}

// ProblemTerminalBusy is a terminal's second upload (or download) while
// the ledger still serves its first: a desk sends one at a time, so the
// second is a retry of one the desk gave up waiting for, or a copy of
// its credentials.
func ProblemTerminalBusy() *balisync.Problem {
	return problem(http.StatusTooManyRequests, balisync.CodeTerminalBusy,
		"De ledger is nog bezig met het vorige pakket van deze terminal. Probeer zo opnieuw.",
		"The ledger is still busy with this terminal's previous batch. Try again shortly.")
}

// ProblemBadRequest is a request the endpoint does not take.
func ProblemBadRequest(nlDetail, enDetail string) *balisync.Problem {
	return problemBadRequest(nlDetail, enDetail)
}

// ProblemTooLarge is a request over the protocol's limits.
func ProblemTooLarge() *balisync.Problem { return problemTooLarge() }

// ProblemNotFound is a path the ledger does not serve.
func ProblemNotFound() *balisync.Problem { return problemNotFound() }

// ProblemMethod is a method the path does not take.
func ProblemMethod(allowed string) *balisync.Problem { return problemMethod(allowed) }

// ProblemMediaType is a body that is not JSON.
func ProblemMediaType() *balisync.Problem { return problemMediaType() }

// ProblemInternal is the ledger failing.
func ProblemInternal() *balisync.Problem { return problemInternal() }

// ProblemUnavailable is a ledger shutting down, busy or overloaded.
func ProblemUnavailable() *balisync.Problem { return problemUnavailable() }

// ProblemTimeout is a request whose body did not arrive in time.
func ProblemTimeout() *balisync.Problem {
	return problem(http.StatusRequestTimeout, balisync.CodeBadRequest,
		"De inhoud kwam niet op tijd binnen. Probeer opnieuw.", "The body did not arrive in time. Try again.")
}

func problemInternal() *balisync.Problem {
	return problem(http.StatusInternalServerError, balisync.CodeInternal,
		"De ledger kon dit niet verwerken. Er is niets half bewaard; probeer later opnieuw.",
		"The ledger could not handle this. Nothing was half stored; try again later.")
}

func problemUnavailable() *balisync.Problem {
	return problem(http.StatusServiceUnavailable, balisync.CodeUnavailable,
		"De ledger stopt of is overbelast. Probeer later opnieuw.",
		"The ledger is shutting down or overloaded. Try again later.")
}

func problemNotFound() *balisync.Problem {
	return problem(http.StatusNotFound, balisync.CodeBadRequest,
		"Deze ledger kent dit adres niet.", "This ledger has no such address.")
}

func problemMethod(allowed string) *balisync.Problem {
	return problem(http.StatusMethodNotAllowed, balisync.CodeBadRequest,
		"Dit adres aanvaardt alleen "+allowed+".", "This address takes "+allowed+" only.")
}

// Verdicts.

func accepted(e balie.JournalEvent) balisync.Verdict {
	return balisync.Verdict{ID: e.ID, Seq: e.Seq, Status: balisync.Accepted}
}

func adjusted(e balie.JournalEvent, code, nl, en string) balisync.Verdict {
	return balisync.Verdict{ID: e.ID, Seq: e.Seq, Status: balisync.Adjusted, Code: code, NL: nl, EN: en}
}

func rejected(e balie.JournalEvent, code, nl, en string) balisync.Verdict {
	return balisync.Verdict{ID: e.ID, Seq: e.Seq, Status: balisync.Rejected, Code: code, NL: nl, EN: en}
}

// adjustedBy and rejectedBy carry a domain rule's own sentence.
func adjustedBy(e balie.JournalEvent, err *balie.Error) balisync.Verdict {
	return adjusted(e, string(err.Code), err.NL, err.EN)
}

func invalid(e balie.JournalEvent, nlWhat, enWhat string) balisync.Verdict {
	return rejected(e, CodePayloadInvalid,
		"De ledger kan deze handeling niet lezen: "+nlWhat+". Ze is bewaard maar niet toegepast; een verantwoordelijke beslist.",
		"The ledger cannot read this act: "+enWhat+". It was stored but not applied; a supervisor decides.")
}

func unknownCard(e balie.JournalEvent, n balie.CardNumber) balisync.Verdict {
	return rejected(e, string(balie.CodeCardUnknown),
		fmt.Sprintf("Kaart %s is onbekend bij de ledger. De handeling is bewaard maar niet toegepast.", n),
		fmt.Sprintf("Card %s is unknown to the ledger. The act was stored but not applied.", n))
}

func unknownHolder(e balie.JournalEvent, id string) balisync.Verdict {
	return rejected(e, string(balie.CodeHolderUnknown),
		fmt.Sprintf("Pashouder %s is onbekend bij de ledger. De handeling is bewaard maar niet toegepast.", id),
		fmt.Sprintf("Pass holder %s is unknown to the ledger. The act was stored but not applied.", id))
}

func unknownEvent(e balie.JournalEvent, id string) balisync.Verdict {
	return rejected(e, string(balie.CodeEventUnknown),
		fmt.Sprintf("Evenement %s is onbekend bij de ledger. De handeling is bewaard maar niet toegepast.", id),
		fmt.Sprintf("Event %s is unknown to the ledger. The act was stored but not applied.", id))
}

func unknownReward(e balie.JournalEvent, id string) balisync.Verdict {
	return rejected(e, string(balie.CodeRewardUnknown),
		fmt.Sprintf("Voordeel %s is onbekend bij de ledger. De handeling is bewaard maar niet toegepast.", id),
		fmt.Sprintf("Reward %s is unknown to the ledger. The act was stored but not applied.", id))
}

func unknownProgram(e balie.JournalEvent, id string) balisync.Verdict {
	return rejected(e, string(balie.CodeProgramUnknown),
		fmt.Sprintf("Lidmaatschap %s is onbekend bij de ledger. De betaling is bewaard maar niet toegepast.", id),
		fmt.Sprintf("Membership %s is unknown to the ledger. The payment was stored but not applied.", id))
}

func pointsNegative(e balie.JournalEvent, balance int) balisync.Verdict {
	return adjusted(e, CodePointsNegative,
		fmt.Sprintf("Op verschillende plaatsen werden offline punten omgeruild: het saldo staat nu op %d. De omruiling blijft staan; een verantwoordelijke kijkt het na.", balance),
		fmt.Sprintf("Points were redeemed offline at more than one place: the balance is now %d. The redemption stands; a supervisor will look at it.", balance))
}

func cardSoldTwice(e balie.JournalEvent, n balie.CardNumber) balisync.Verdict {
	return adjusted(e, CodeCardSoldTwice,
		fmt.Sprintf("Kaart %s werd al eerder verkocht, aan een andere balie. Deze verkoop blijft bewaard; een verantwoordelijke kijkt het na.", n),
		fmt.Sprintf("Card %s was already sold before, at another desk. This sale is kept; a supervisor will look at it.", n))
}

func soldOutAfterAll(e balie.JournalEvent, total int) balisync.Verdict {
	return adjusted(e, string(balie.CodeRewardSoldOut),
		fmt.Sprintf("Dit voordeel was op (alle %d stuks omgeruild) toen deze omruiling binnenkwam. Ze blijft staan; een verantwoordelijke kijkt het na.", total),
		fmt.Sprintf("This reward was sold out (all %d units redeemed) when this redemption came in. It stands; a supervisor will look at it.", total))
}

func ticketLimitPassed(e balie.JournalEvent, tariff string) balisync.Verdict {
	return adjusted(e, string(balie.CodeTicketLimit),
		fmt.Sprintf("Met deze verkoop is de limiet van tarief %s voor deze pashouder overschreden. De verkoop blijft staan; een verantwoordelijke kijkt het na.", tariff),
		fmt.Sprintf("This sale passed the limit of tariff %s for this pass holder. The sale stands; a supervisor will look at it.", tariff))
}

func voidUnknown(e balie.JournalEvent, target string) balisync.Verdict {
	return rejected(e, string(balie.CodeVoidUnknown),
		fmt.Sprintf("De geannuleerde handeling %s is geen eerdere handeling van deze kassa die geannuleerd kan worden.", target),
		fmt.Sprintf("The voided act %s is not an earlier act of this terminal that can be voided.", target))
}

func staffUnknown(e balie.JournalEvent) balisync.Verdict {
	return rejected(e, string(balie.CodeStaffUnknown),
		fmt.Sprintf("Medewerker %s is onbekend bij de ledger. De handeling is bewaard maar niet toegepast.", e.Staff),
		fmt.Sprintf("Staff member %s is unknown to the ledger. The act was stored but not applied.", e.Staff))
}

func organiserMismatch(e balie.JournalEvent, org string) balisync.Verdict {
	return rejected(e, CodeOrganiserMismatch,
		fmt.Sprintf("Deze balie werkt niet voor organisator %s. De handeling is bewaard maar niet toegepast.", org),
		fmt.Sprintf("This desk does not act for organiser %s. The act was stored but not applied.", org))
}

func cardHolderMismatch(e balie.JournalEvent, n balie.CardNumber) balisync.Verdict {
	return rejected(e, CodeCardHolderMismatch,
		fmt.Sprintf("Kaart %s hoort bij een andere pashouder dan deze handeling noemt. Ze is bewaard maar niet toegepast.", n),
		fmt.Sprintf("Card %s belongs to another holder than this act names. It was stored but not applied.", n))
}

func unusableCard(e balie.JournalEvent, err error, what string) balisync.Verdict {
	de, _ := balie.AsError(err)
	nl, en := "De handeling blijft staan; een verantwoordelijke kijkt het na.", "The act stands; a supervisor will look at it."
	switch what {
	case "points":
		nl, en = "Er komen geen punten bij; een verantwoordelijke kijkt het na.", "No points are added; a supervisor will look at it."
	case "rejected":
		return rejected(e, string(de.Code), de.NL+" De handeling is bewaard maar niet toegepast.", de.EN+" The act was stored but not applied.")
	}
	return adjusted(e, string(de.Code), de.NL+" "+nl, de.EN+" "+en)
}

func timeOutOfRange(e balie.JournalEvent, err error) balisync.Verdict {
	de, _ := balie.AsError(err)
	return rejected(e, string(de.Code), de.NL+" De handeling is bewaard maar niet toegepast.", de.EN+" The act was stored but not applied.")
}

func payloadInvalid(e balie.JournalEvent, err error) balisync.Verdict {
	de, ok := balie.AsError(err)
	if !ok {
		return invalid(e, "de inhoud kan niet gelezen worden", "the payload cannot be read")
	}
	return rejected(e, string(de.Code), de.NL+" Ze is bewaard maar niet toegepast; een verantwoordelijke beslist.",
		de.EN+" It was stored but not applied; a supervisor decides.")
}

func pointsCorrected(e balie.JournalEvent, claimed, applied int) balisync.Verdict {
	return adjusted(e, CodePointsCorrected,
		fmt.Sprintf("De kassa rekende %d punten; volgens de catalogus zijn het er %d. De ledger paste %d toe.", claimed, applied, applied),
		fmt.Sprintf("The terminal counted %d points; the catalogue says %d. The ledger applied %d.", claimed, applied, applied))
}

func outsideWindow(e balie.JournalEvent, de *balie.Error) balisync.Verdict {
	return adjusted(e, string(de.Code), de.NL+" De check-in is bewaard, zonder punten.", de.EN+" The check-in was kept, without points.")
}

func priceNotCatalogue(e balie.JournalEvent, what string, claimed, want balie.Cents) balisync.Verdict {
	return adjusted(e, CodePriceNotCatalogue,
		fmt.Sprintf("%s kostte aan de kassa %s; volgens de catalogus is het %s. De betaling blijft zoals ze gebeurde; een verantwoordelijke kijkt het na.", what, claimed, want),
		fmt.Sprintf("%s cost %s at the terminal; the catalogue says %s. The payment stands as it was made; a supervisor will look at it.", what, claimed.Format("en"), want.Format("en")))
}

func priceUnknown(e balie.JournalEvent, what string, de *balie.Error) balisync.Verdict {
	return adjusted(e, CodePriceNotCatalogue,
		fmt.Sprintf("%s: %s De betaling blijft zoals ze gebeurde; een verantwoordelijke kijkt het na.", what, de.NL),
		fmt.Sprintf("%s: %s The payment stands as it was made; a supervisor will look at it.", what, de.EN))
}

func socialNotEntitled(e balie.JournalEvent, tariff string) balisync.Verdict {
	return adjusted(e, string(balie.CodeSocialTariffNeeded),
		fmt.Sprintf("Tarief %s geldt volgens de ledger niet voor deze pashouder. De verkoop blijft staan; een verantwoordelijke kijkt het na.", tariff),
		fmt.Sprintf("Tariff %s does not apply to this pass holder by the ledger's records. The sale stands; a supervisor will look at it.", tariff))
}

func termCorrected(e balie.JournalEvent, start, end time.Time) balisync.Verdict {
	f := func(t time.Time) string { return t.In(balie.Brussels()).Format("02/01/2006") }
	return adjusted(e, CodeTermCorrected,
		fmt.Sprintf("Volgens de regels van het programma loopt dit lidmaatschap van %s tot %s; de ledger bewaarde die looptijd.", f(start), f(end)),
		fmt.Sprintf("By the programme's rules this membership runs from %s to %s; the ledger kept that term.", f(start), f(end)))
}

func termUnknown(e balie.JournalEvent, de *balie.Error) balisync.Verdict {
	return adjusted(e, string(de.Code), de.NL+" De ledger bewaarde de looptijd van de kassa; een verantwoordelijke kijkt het na.",
		de.EN+" The ledger kept the terminal's term; a supervisor will look at it.")
}

func redeemAdjusted(e balie.JournalEvent, de *balie.Error) balisync.Verdict {
	return adjusted(e, string(de.Code), de.NL+" De omruiling blijft staan; een verantwoordelijke kijkt het na.",
		de.EN+" The redemption stands; a supervisor will look at it.")
}

func childUnknown(e balie.JournalEvent, id string) balisync.Verdict {
	return rejected(e, string(balie.CodeChildUnknown),
		fmt.Sprintf("Kind %s is niet ingeschreven in de opvang. De handeling is bewaard maar niet toegepast.", id),
		fmt.Sprintf("Child %s is not enrolled in childcare. The act was stored but not applied.", id))
}

func unknownTariff(e balie.JournalEvent, tariff, event string) balisync.Verdict {
	return rejected(e, string(balie.CodeTariffUnknown),
		fmt.Sprintf("Tarief %s hoort niet bij evenement %s. De verkoop is bewaard maar niet toegepast.", tariff, event),
		fmt.Sprintf("Tariff %s does not belong to event %s. The sale was stored but not applied.", tariff, event))
}

func newHolderInvalid(e balie.JournalEvent, err error) balisync.Verdict {
	de, _ := balie.AsError(err)
	return rejected(e, CodePayloadInvalid, de.NL+" De kaartverkoop is bewaard maar niet toegepast.", de.EN+" The card sale was stored but not applied.")
}

func voidTwice(e balie.JournalEvent, target string) balisync.Verdict {
	return rejected(e, string(balie.CodeVoidTwice),
		fmt.Sprintf("Handeling %s was al geannuleerd.", target),
		fmt.Sprintf("Act %s was already voided.", target))
}

// problemINSZ is a national register number that is not one: the
// domain's sentence, which never repeats the number.
func problemINSZ(de *balie.Error) *balisync.Problem {
	return problem(http.StatusBadRequest, balisync.CodeINSZInvalid, de.NL, de.EN)
}

func problemINSZUnknown() *balisync.Problem {
	return problem(http.StatusNotFound, balisync.CodeINSZUnknown,
		"Er is geen pashouder met een geldige kaart gevonden bij dit rijksregisternummer.",
		"No pass holder with a valid card was found for this national register number.")
}

// ProblemTooManyLookups answers a terminal that looked up too many
// national register numbers in a minute.
func ProblemTooManyLookups() *balisync.Problem {
	return problem(http.StatusTooManyRequests, balisync.CodeTooManyAttempts,
		"Te veel opzoekingen op rijksregisternummer vanaf deze kassa. Wacht een minuut.",
		"Too many look-ups by national register number from this terminal. Wait a minute.")
}
