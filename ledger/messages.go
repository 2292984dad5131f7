package ledger

import (
	"fmt"
	"net/http"

	"github.com/balie/balie"
	balisync "github.com/balie/balie/sync"
)

// Verdict codes the ledger gives besides the domain's own (balie.Code*).
const (
	CodePointsNegative = "points_negative"
	CodeCardSoldTwice  = "card_sold_twice"
	CodePayloadInvalid = "payload_invalid"
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

func voidTwice(e balie.JournalEvent, target string) balisync.Verdict {
	return rejected(e, string(balie.CodeVoidTwice),
		fmt.Sprintf("Handeling %s was al geannuleerd.", target),
		fmt.Sprintf("Act %s was already voided.", target))
}
