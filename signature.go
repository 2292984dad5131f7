package balie

import (
	"crypto/ed25519"
	"encoding/base64"
	"strconv"
)

// A terminal signs its journal so that nobody else can write its history,
// not even whoever holds its bearer secret: at enrolment it makes an
// Ed25519 key pair, keeps the private key and gives the ledger the public
// key. Each upload signs the hash of the batch's last event; through the
// hash chain that one signature covers every event before it, so one
// verification per batch keeps ingest fast, and an auditor with the
// public key checks a whole journal without trusting the ledger.

// SignatureDomain starts every signed message, so that a signature made
// for a journal can never be replayed as a signature of anything else.
const SignatureDomain = "balie-journal-v1"

// SigningMessage is the exact bytes a terminal signs for the journal up
// to and including event seq with hash hash (lowercase hex, as
// ComputeHash gives it):
//
//	"balie-journal-v1\n" + terminal + "\n" + decimal seq + "\n" + hash + "\n"
func SigningMessage(terminal string, seq int64, hash string) []byte {
	b := make([]byte, 0, len(SignatureDomain)+len(terminal)+len(hash)+24)
	b = append(b, SignatureDomain...)
	b = append(b, '\n')
	b = append(b, terminal...)
	b = append(b, '\n')
	b = strconv.AppendInt(b, seq, 10)
	b = append(b, '\n')
	b = append(b, hash...)
	return append(b, '\n')
}

// SignJournal signs the journal up to event e with key; the signature is
// standard base64 (with padding) of the 64-byte Ed25519 signature.
func SignJournal(key ed25519.PrivateKey, e JournalEvent) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(key, SigningMessage(e.Terminal, e.Seq, e.Hash)))
}

// VerifyJournal checks a signature of the journal up to event e.
func VerifyJournal(pub ed25519.PublicKey, e JournalEvent, signature string) error {
	sig, err := base64.StdEncoding.DecodeString(signature)
	if err != nil || len(sig) != ed25519.SignatureSize || len(pub) != ed25519.PublicKeySize ||
		!ed25519.Verify(pub, SigningMessage(e.Terminal, e.Seq, e.Hash), sig) {
		return Errorf(CodeSignatureInvalid,
			"De handtekening van het journaal tot volgnummer %[1]d klopt niet: het journaal komt niet van deze kassa of werd gewijzigd.",
			"The signature of the journal up to seq %[1]d does not verify: the journal is not this terminal's or was altered.", e.Seq)
	}
	return nil
}

// CodeSignatureInvalid is a journal whose signature does not verify.
const CodeSignatureInvalid Code = "signature_invalid"

// EncodePublicKey is how a public key travels and is kept: standard
// base64 of its 32 bytes.
func EncodePublicKey(pub ed25519.PublicKey) string { return base64.StdEncoding.EncodeToString(pub) }

// ParsePublicKey reads a public key EncodePublicKey wrote.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, Errorf(CodeSignatureInvalid,
			"De publieke sleutel van de kassa is geen Ed25519-sleutel.", "The terminal's public key is not an Ed25519 key.")
	}
	return ed25519.PublicKey(b), nil
}
