package balie

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
)

// PIN length bounds: 4 digits is what staff can remember and type fast;
// 8 leaves room for a stricter policy without changing the format.
const (
	pinMinLen = 4
	pinMaxLen = 8
)

// HashPIN returns the hex SHA-256 of salt + ":" + pin, the form a staff
// member's PIN is kept in (Staff.PINHash). The colon keeps salt "1" with
// PIN "2345" apart from salt "12" with PIN "345".
func HashPIN(salt, pin string) string {
	sum := sha256.Sum256([]byte(salt + ":" + pin))
	return hex.EncodeToString(sum[:])
}

// CheckPIN reports whether pin is the staff member's PIN. The hashes are
// compared in constant time, so the time a wrong PIN takes tells nothing
// about how close it was. A staff member without a valid stored hash
// never matches.
func (s Staff) CheckPIN(pin string) bool {
	want, err := hex.DecodeString(s.PINHash)
	if err != nil || len(want) != sha256.Size {
		return false
	}
	got := sha256.Sum256([]byte(s.PINSalt + ":" + pin))
	return subtle.ConstantTimeCompare(got[:], want) == 1
}

// ValidPIN reports whether pin can be chosen as a PIN: 4 to 8 ASCII
// digits. The sentences never repeat the PIN, since they may be logged.
func ValidPIN(pin string) error {
	for i := 0; i < len(pin); i++ {
		if pin[i] < '0' || pin[i] > '9' {
			return Errorf(CodeStaffPIN,
				"Een pincode bestaat alleen uit cijfers.",
				"A PIN consists of digits only.")
		}
	}
	if n := len(pin); n < pinMinLen || n > pinMaxLen {
		return Errorf(CodeStaffPIN,
			"Een pincode heeft 4 tot 8 cijfers, deze heeft er %d.",
			"A PIN has 4 to 8 digits, this one has %d.", n)
	}
	return nil
}
