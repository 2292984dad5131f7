package ledger

import (
	"context"
	"errors"
	"time"

	"github.com/balie/balie"
)

// Store is the ledger's storage seam: one implementation per engine
// (ledger/sqlite, ledger/postgres), each passing the conformance suite in
// ledger/storetest. The core (this package) decides everything; a store
// keeps what the core decided, in transactions, and is correct when other
// processes use the same database at the same time.
type Store interface {
	// Read runs fn on a consistent, read-only view of the ledger.
	Read(ctx context.Context, fn func(ReadTx) error) error
	// Write runs fn in one write transaction and commits when fn returns
	// nil; fn may run again when the engine says a concurrent writer got
	// in the way, so it must not act outside the transaction.
	Write(ctx context.Context, fn func(WriteTx) error) error
	// Batch runs one terminal's upload: fn reads what the rules need
	// through the BatchTx and returns what the batch changes, which the
	// store writes and commits. An error from fn (a *Refusal, for a batch
	// the core refuses) rolls the batch back and comes back from Batch.
	// Like Write, fn may run again, and must not act outside the
	// transaction.
	Batch(ctx context.Context, terminal string, fn func(BatchTx) (*Effects, error)) error
	// Flush makes every balance the ledger answered visible in the change
	// log. A write-through engine has nothing to do.
	Flush(ctx context.Context) error
	// Engine names the engine, for logs and /metrics: "sqlite" or
	// "postgres".
	Engine() string
	Close() error
}

// ErrReadOnly is what a store opened read-only answers to a write.
var ErrReadOnly = errors.New("the ledger was opened read-only")

// ErrIDTaken is an event id the ledger already holds under another
// terminal or seq: the batch is rolled back.
var ErrIDTaken = errors.New("event id already stored")

// ErrBusy is a write that could not get the database in time (another
// process held it): worth retrying, never a broken ledger.
var ErrBusy = errors.New("the database is busy")

// ReadTx reads the ledger.
type ReadTx interface {
	// Meta reads a value of the ledger's own settings; ok is false when
	// unset.
	Meta(key string) (value string, ok bool, err error)

	// Terminal reads a terminal by id; TerminalByToken by the hash of its
	// enrolment token.
	Terminal(id string) (TerminalRow, bool, error)
	TerminalByToken(tokenHash string) (TerminalRow, bool, error)
	Terminals() ([]TerminalRow, error)

	// Entity reads one entity of the directory or catalogue (kind is a
	// balie.Change* kind) as the JSON the core stored.
	Entity(kind, id string) ([]byte, bool, error)
	// Entities calls fn for every entity of kind, by id; owner, when
	// not empty, keeps those of one owner (an organiser, or the event of
	// a tariff).
	Entities(kind, owner string, fn func(id string, data []byte) error) error

	// Holder reads a holder with the current balance.
	Holder(id string) (balie.Holder, bool, error)
	// Card reads a card.
	Card(n balie.CardNumber) (balie.Card, bool, error)
	// HolderCards lists a holder's cards by number.
	HolderCards(holder string) ([]balie.Card, error)
	// Memberships lists a holder's memberships by start.
	Memberships(holder string) ([]balie.Membership, error)
	// RewardUnits is how many units of a reward were redeemed.
	RewardUnits(id string) (int, error)
	// Balances calls fn for every holder with the balance a seed or an
	// import gave and the current balance.
	Balances(fn func(holder string, initial, current int) error) error

	// Events calls fn for every stored event with ingest after after, in
	// ingest order, at most limit (all when limit <= 0).
	Events(after int64, limit int, fn func(StoredEvent) error) error
	// Event reads one stored event by id.
	Event(id string) (StoredEvent, bool, error)
	// TerminalEvents calls fn for a terminal's events in seq order from
	// seq from on.
	TerminalEvents(terminal string, from int64, fn func(StoredEvent) error) error
	// Signatures lists a terminal's journal signatures in seq order.
	Signatures(terminal string) ([]Signature, error)

	// Changes calls fn for the changes after seq after, in seq order, at
	// most limit; the byte slices are valid only during the call.
	Changes(after int64, limit int, fn func(seq int64, kind, key []byte, deleted bool, data []byte)) error
	// LastChange is the highest seq the change log ever gave.
	LastChange() (int64, error)

	// MoneyLines calls fn for every money line in the order written.
	MoneyLines(fn func(MoneyLine) error) error
	// Flags lists the open review flags in the order raised.
	Flags() ([]Flag, error)
	// Stats counts the directory and the log.
	Stats() (DirectoryStats, error)

	// What the back office reads: see OfficeReader.
	OfficeReader

	SettlementReader
}

// WriteTx changes the ledger's directory and its own records. Every
// change terminals must learn of is also written as a Change by the
// core, in the same transaction.
type WriteTx interface {
	ReadTx
	SetMeta(key, value string) error
	// PutEntity inserts or replaces an entity; DeleteEntity removes one.
	PutEntity(kind, id, owner string, data []byte) error
	DeleteEntity(kind, id string) error
	// PutHolder inserts a holder with points as both the starting and the
	// current balance, or updates an existing holder's details and keeps
	// their points.
	PutHolder(h balie.Holder, points int) error
	PutCard(c balie.Card) error
	AddMembership(m balie.Membership) error
	// Change appends to the change log, replacing the entry of the same
	// kind and key.
	Change(c Change) error

	AddTerminal(t TerminalRow) error
	UpdateTerminal(t TerminalRow) error

	// What the back office writes: see OfficeWriter.
	OfficeWriter

	SettlementWriter
}

// BatchTx is what the rules read for one upload. Engines with row locks
// lock holders, cards and rewards here, so that uploads through several
// ledger processes are serialized where they meet; the core asks for
// each kind of row once per batch, holders first, then cards, then
// rewards, each sorted, so that two batches never wait for each other in
// a circle.
type BatchTx interface {
	// Terminal reads (and locks) the uploading terminal.
	Terminal(id string) (TerminalRow, bool, error)
	// Stored reads the terminal's stored events with seq from to to.
	Stored(terminal string, from, to int64) ([]StoredEvent, error)
	// Targets reads the terminal's events with these ids, for voids.
	Targets(terminal string, ids []string) (map[string]Target, error)
	// Holders reads (and locks) holders' current balances; a holder the
	// ledger does not know is absent.
	Holders(ids []string) (map[string]int, error)
	// HolderDetails reads holders whole, with their current balance, for
	// the acts whose price depends on who buys.
	HolderDetails(ids []string) (map[string]balie.Holder, error)
	// Cards reads (and locks) cards.
	Cards(numbers []balie.CardNumber) (map[balie.CardNumber]balie.Card, error)
	// Entities reads entities of one kind.
	Entities(kind string, ids []string) (map[string][]byte, error)
	// RewardUnits reads (and locks) the units redeemed of rewards.
	RewardUnits(ids []string) (map[string]int, error)
	// Usage reads the acts a limit counts, by holder and item (the
	// catalogue event of a check-in, the tariff of a ticket, the reward
	// of a redemption).
	Usage(kind UsageKind, pairs []Pair) (map[Pair][]Use, error)
	// Memberships reads the memberships of holders in programs.
	Memberships(pairs []Pair) (map[Pair][]MembershipRow, error)
	// Reserve gives n ingest numbers, the first returned.
	Reserve(n int) (int64, error)

	SettlementBatch
}

// Refusal is a whole batch the core refuses: nothing is stored and the
// terminal gets the problem. It travels through Store.Batch as an error.
type Refusal struct{ Problem *Problem }

func (r *Refusal) Error() string { return "batch refused: " + r.Problem.Code }

// TerminalRow is a terminal as stored. The token and the secret are kept
// as hashes only.
type TerminalRow struct {
	ID           string
	Name         string
	Organiser    string
	Location     string // the desk id
	Status       string // TerminalActive or TerminalRevoked
	Created      time.Time
	TokenHash    string
	TokenExpires time.Time
	TokenUsed    bool
	SecretHash   string
	PublicKey    string // balie.EncodePublicKey; empty before the terminal gave one
	Enrolled     time.Time
	Revoked      time.Time
	LastSeq      int64
	LastHash     string
}

// Terminal states.
const (
	TerminalActive  = "ACTIVE"
	TerminalRevoked = "REVOKED"
)

// StoredEvent is a journal event as the ledger holds it: the event the
// terminal sent, byte for byte, with its verdict and ingest order.
type StoredEvent struct {
	balie.JournalEvent
	Verdict   string    `json:"verdict"`
	Code      string    `json:"code,omitempty"`
	MessageNL string    `json:"message_nl,omitempty"`
	MessageEN string    `json:"message_en,omitempty"`
	Ingest    int64     `json:"ingest"`
	Received  time.Time `json:"received"`
	// Holder and Points are the holder whose points the act changed and
	// the points the ledger applied (a void: the negation of its act's).
	Holder string `json:"holder,omitempty"`
	Points int    `json:"points_applied,omitempty"`
	// Signature is the terminal's signature of its journal up to this
	// event, when a batch ended here.
	Signature string `json:"signature,omitempty"`
}

// Target is an earlier event a void names, with what the ledger applied.
type Target struct {
	Ingest  int64
	Seq     int64
	Kind    balie.Kind
	Payload []byte
	Time    time.Time
	Status  string
	Holder  string // the holder whose points it changed
	Points  int    // the points it applied
	Item    string // the catalogue item its usage counts
	Undo    string // what a void must restore (JSON), for a card sale
	Voided  bool
}

// Signature is a terminal's signature of its journal up to seq.
type Signature struct {
	Terminal  string
	Seq       int64
	Signature string
}

// UsageKind is what a limit counts.
type UsageKind string

// Usage kinds.
const (
	UsageCheckin UsageKind = "checkin"
	UsageTicket  UsageKind = "ticket"
	UsageReward  UsageKind = "reward"
)

// Pair is a holder and an item (an event, a tariff, a reward, a program).
type Pair struct{ Holder, Item string }

// Use is one counted act: at is unix nanoseconds; Line and Quantity are
// a ticket sale's.
type Use struct {
	Kind     UsageKind
	Holder   string
	Item     string
	At       int64
	Ingest   int64
	Line     int
	Quantity int
}

// MembershipRow is a membership with the payment that made it (0 for a
// seed or an import).
type MembershipRow struct {
	balie.Membership
	Ingest int64
}

// EventRow is one new event with the verdict the rules gave it.
type EventRow struct {
	balie.JournalEvent
	Ingest  int64
	Verdict balie.Verdict
	Holder  string // the holder whose points it changed
	Points  int    // the points it applied
	Item    string // the catalogue item its usage counts
	Undo    string
}

// MoneyRow is one money line of a sale.
type MoneyRow struct {
	Ingest      int64
	Line        int
	Kind        string
	Activity    string // the catalogue event of a ticket
	TariffID    string // the tariff of a ticket, the program of a membership
	OrganiserID string
	Payment     balie.PaymentMethod
	Day         string
	Quantity    int
	Regular     balie.Cents
	Shares      balie.Shares
	Amount      balie.Cents

	// What settlement needs, recorded at the act so that a period is
	// computed from the ledger's own records and never from today's
	// directory.
	Facts ActFacts
	// Settlement is the split of one unit by the agreements in force
	// on the act's day.
	Settlement balie.Settlement
	// Month is the settlement month the line counts in, Late whether
	// that is a later one than its day's (see balie.AssignMonth).
	Month string
	Late  bool
}

// ActFacts are the facts of a money act that settlement and the
// reports name: who, where, what, as they stood at the act.
type ActFacts struct {
	Card       balie.CardNumber
	HolderID   string
	PostalCode string // the holder's
	CardSystem string // the one that issued the card
	Desk       string // the terminal's desk
	TariffKind balie.TariffKind
	TariffName string // the tariff's, the program's, the card's reason
	EventName  string
	EventStart time.Time
	EventEnd   time.Time
	Booked     string // the business day of the act that wrote the line (a void's own)
	Renewal    bool   // a membership that extends a valid one
}

// VoidRow records that the event with ingest Void cancelled Target; the
// store negates Target's money lines under Void, in the void's own
// settlement month and day.
type VoidRow struct {
	Target, Void int64
	Month        string // the void's settlement month
	Booked       string // the void's business day
	Late         bool
}

// FlagRow is something a person must look at.
type FlagRow struct {
	Ingest int64
	Code   string
	Holder string
	Detail string
}

// Change is one entry of the change log, before it has a seq.
type Change struct {
	Kind    string
	Key     string
	Deleted bool
	Data    []byte
	// Audience is who may download the change: "" every terminal,
	// otherwise one of the audiences a terminal's desk belongs to
	// (Audiences): a child's enrolment goes only to its provider's
	// childcare desks. The latest change of an entity sets it.
	Audience string
}

// Effects is everything one upload changes, decided by the core.
type Effects struct {
	Terminal  string
	LastSeq   int64
	LastHash  string
	Signature *Signature // nil for a batch of repeats only
	Received  int64      // unix nanoseconds

	Events []EventRow
	// Points are the new balances of the holders whose points changed;
	// the store also logs them as balance changes (at once or at its
	// next Flush).
	Points     map[string]int
	NewHolders []balie.Holder
	Cards      []balie.Card
	UsageAdd   []Use
	UsageDel   []Use // by Kind, Holder, Item and Ingest
	Units      map[string]int
	Members    []MembershipRow
	MembersDel []int64 // the ingest of the payments voided
	Money      []MoneyRow
	Voids      []VoidRow
	Flags      []FlagRow
	Changes    []Change
	// Figures are the steering group's counters the batch moves, summed
	// by key: the store adds them in the same transaction.
	Figures []FigureDelta
}

// Settlement and figures: the part of the seam issue 10 added.

// SettlementReader reads periods, settlement lines and figures.
type SettlementReader interface {
	// Periods lists the closed months, by month.
	Periods() ([]PeriodRow, error)
	// SettlementLines calls fn for every money line counted in one of
	// months (by its settlement month), in ingest and line order.
	SettlementLines(months []string, fn func(SettlementLine) error) error
	// Figures calls fn for every counter of one of figures (all when
	// empty) with a period in [from, to) (periods are YYYY-MM, or
	// YYYY-MM-DD for the daily ones), by figure, period and keys.
	Figures(figures []string, from, to string, fn func(FigureRow) error) error
	// HolderCounts counts the holders as the directory holds them now.
	HolderCounts(at time.Time) (HolderCounts, error)
}

// SettlementWriter closes periods.
type SettlementWriter interface {
	// IngestMark is the highest ingest number stored. An engine with
	// several writers waits here until every upload that took numbers
	// before has committed (and keeps the next ones out until the
	// transaction ends), so that every event with a number at or below
	// the mark is stored and every later one gets a higher number.
	IngestMark() (int64, error)
	// ClosePeriod stores a closed month; a month closed already is an
	// error.
	ClosePeriod(p PeriodRow) error
}

// SettlementBatch is what an upload reads for settlement.
type SettlementBatch interface {
	// SettlementState reads the closed months and the agreements.
	SettlementState() (SettlementState, error)
	// TargetMoney reads the money lines stored under these ingest
	// numbers (the sales a batch voids), by ingest.
	TargetMoney(ingests []int64) (map[int64][]MoneyRow, error)
}

// SettlementState is what the rules need to settle an act.
type SettlementState struct {
	Closed     map[string]int64 // closed month -> mark
	Agreements []balie.CostAgreement
}

// PeriodRow is a closed month.
type PeriodRow struct {
	Month    string
	Period   string // the period it was closed with: the month, or its quarter
	Mark     int64  // the highest ingest number at the close
	ClosedAt time.Time
	ClosedBy string
	Hash     string // of the lines and the events they came from
	Lines    int
	Totals   string // JSON of the period's totals, as frozen
}

// SettlementLine is a money line as settlement reads it, with the event
// it came from.
type SettlementLine struct {
	MoneyRow
	ActID     string // the journal event's id (the void's, for a counter-line)
	EventHash string // that event's hash in its terminal's chain
	VoidOf    int64  // the voided sale's ingest, for a counter-line
	VoidOfID  string
}

// FigureDelta moves one counter: N acts (or units, or points) and Cents.
type FigureDelta struct {
	Figure string
	Period string // YYYY-MM, or YYYY-MM-DD for a daily figure
	K1, K2 string
	N      int64
	Cents  int64
}

// FigureRow is one counter as stored.
type FigureRow = FigureDelta

// HolderCounts are the directory's holders as the steering group counts
// them.
type HolderCounts struct {
	Holders      int
	Social       int            // with the social tariff applying
	Members      int            // without it, with a valid membership
	BySystem     map[string]int // card system -> holders with an active card of it
	ByPostalCode map[string]int
}

// The back office's part of the seam: accounts, sessions, the audit log,
// holder search, the national register numbers kept in the ledger alone,
// the review queue's resolutions, the terminals' last contact and the
// change log by audience. Kept apart from the core's methods above, so
// that an engine implements it in a file of its own.

// OfficeReader is what the back office reads.
type OfficeReader interface {
	// User reads a back-office account by id; UserByName by its sign-in
	// name.
	User(id string) (UserRow, bool, error)
	UserByName(name string) (UserRow, bool, error)
	// Users lists the accounts by sign-in name.
	Users() ([]UserRow, error)
	// Session reads a session by the hash of its token.
	Session(tokenHash string) (SessionRow, bool, error)
	// Audit calls fn for the audit log's entries, newest first, as q
	// says.
	Audit(q AuditQuery, fn func(AuditEntry) error) error

	// SearchHolders lists at most limit holders whose name key (last
	// name then first name, or first name then last name, each a
	// balie.SearchKey) starts with prefix, ordered by last name. Their
	// Points are not read.
	SearchHolders(prefix string, limit int) ([]balie.Holder, error)
	// HolderByINSZ finds the holder of a national register number;
	// HolderINSZ reads the number kept for a holder.
	HolderByINSZ(n balie.INSZ) (holder string, ok bool, err error)
	HolderINSZ(holder string) (balie.INSZ, bool, error)
	// HolderEvents calls fn for the events that changed a holder's
	// points, newest first, at most limit: their points history.
	HolderEvents(holder string, limit int, fn func(StoredEvent) error) error

	// ReviewFlags lists the review queue: the open flags (q.Resolved
	// false) in the order raised, or the resolved ones, newest first,
	// with their event and resolution.
	ReviewFlags(q FlagQuery) ([]ReviewRow, error)
	// ReviewFlag reads one flag by its key.
	ReviewFlag(key string) (ReviewRow, bool, error)

	// TerminalContacts lists what each terminal last told the ledger.
	TerminalContacts() ([]TerminalContact, error)

	// ChangesFor is Changes for a terminal whose audiences are given:
	// only the changes with one of them ("" is every terminal's).
	ChangesFor(after int64, limit int, audiences []string, fn func(seq int64, kind, key []byte, deleted bool, data []byte)) error
	// RestrictedChanges calls fn for every change with an audience and a
	// seq up to upTo, in seq order.
	RestrictedChanges(upTo int64, fn func(c Change) error) error
}

// OfficeWriter is what the back office writes.
type OfficeWriter interface {
	// PutUser inserts or replaces an account; a name another account has
	// is ErrIDTaken.
	PutUser(u UserRow) error
	// PutSession inserts or replaces a session; DeleteSession removes
	// one, DeleteSessions every session of a user, PruneSessions those
	// expired before t.
	PutSession(s SessionRow) error
	DeleteSession(tokenHash string) error
	DeleteSessions(user string) error
	PruneSessions(before time.Time) error
	// AddAudit appends to the audit log.
	AddAudit(e AuditEntry) error
	// SetINSZ keeps a holder's national register number (an empty n
	// removes it); a number another holder has is ErrIDTaken.
	SetINSZ(holder string, n balie.INSZ) error
	// ResolveFlag closes an open flag with its resolution; a flag that
	// is unknown or resolved already is ErrNotOpen.
	ResolveFlag(r FlagResolution) error
	// PutTerminalContacts records terminals' last contact, keeping the
	// later of what is stored and what is given.
	PutTerminalContacts(cs []TerminalContact) error
}

// ErrNotOpen is a flag that is not open: unknown, or resolved before.
var ErrNotOpen = errors.New("the review flag is not open")

// UserRow is a back-office account. The password is kept as an argon2id
// hash (in the PHC string format), never itself.
type UserRow struct {
	ID           string
	Name         string // what they sign in with
	FullName     string
	Role         balie.OfficeRole
	Organiser    string // for an organiser administrator
	PasswordHash string
	Disabled     bool
	Created      time.Time
	Updated      time.Time
}

// SessionRow is a signed-in browser. The token is kept as a hash.
type SessionRow struct {
	TokenHash string
	User      string
	Created   time.Time
	Expires   time.Time
}

// AuditEntry is one change in the audit log: who made it, when, and what
// was there before and after (JSON, secrets left out).
type AuditEntry struct {
	ID        int64 // given by the store
	At        time.Time
	Actor     string // the user id, or "cli:..." for an operator's command
	ActorName string
	Action    string // e.g. "organiser.save"
	Kind      string // what changed: a balie.Change* kind or "user", ...
	Entity    string
	Organiser string // the organiser it belongs to, "" for the city's
	Before    []byte
	After     []byte
}

// AuditQuery selects audit entries: those of one organiser (all when
// empty), with an id below Before (from the newest when 0), at most
// Limit.
type AuditQuery struct {
	Organiser string
	Before    int64
	Limit     int
}

// FlagQuery selects review flags.
type FlagQuery struct {
	Resolved bool
	Limit    int
}

// ReviewRow is a flag of the review queue with its event: who recorded
// it, where and what, and how it was resolved.
type ReviewRow struct {
	Key        string // the store's key of the flag
	Ingest     int64
	EventID    string
	Terminal   string
	Seq        int64
	Time       time.Time
	Staff      string
	Kind       balie.Kind
	Status     string // the verdict
	MessageNL  string
	MessageEN  string
	Code       string
	Holder     string
	Detail     string
	Resolution *FlagResolution
}

// FlagResolution is how a person resolved a flag.
type FlagResolution struct {
	Flag    string // the ReviewRow's key
	Outcome string // balie.Outcome*
	Note    string
	By      string // the user id
	ByName  string
	At      time.Time
}

// TerminalContact is what a terminal last told the ledger: when, how
// many acts it still had to send and its software's version.
type TerminalContact struct {
	Terminal string
	At       time.Time
	Queue    int
	Version  string
}
