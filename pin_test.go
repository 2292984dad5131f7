package balie

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestHashPIN(t *testing.T) {
	sum := sha256.Sum256([]byte("salt:1234"))
	tests := []struct {
		name      string
		salt, pin string
		want      string
	}{
		{name: "salt and PIN joined by a colon", salt: "salt", pin: "1234", want: hex.EncodeToString(sum[:])},
		// SHA-256 of ":" (empty salt and PIN), from sha256sum, to pin the format.
		{name: "empty", salt: "", pin: "", want: "e7ac0786668e0ff0f02b62bd04f45ff636fd82db63b1104601c975dc005f3a67"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HashPIN(tt.salt, tt.pin); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if HashPIN("1", "2345") == HashPIN("12", "345") {
		t.Error("salt and PIN run together: HashPIN(\"1\", \"2345\") == HashPIN(\"12\", \"345\")")
	}
}

func TestStaff_CheckPIN(t *testing.T) {
	s := Staff{ID: "s1", PINSalt: "x7Q", PINHash: HashPIN("x7Q", "4821")}
	tests := []struct {
		name  string
		staff Staff
		pin   string
		want  bool
	}{
		{name: "right PIN", staff: s, pin: "4821", want: true},
		{name: "wrong PIN", staff: s, pin: "4822", want: false},
		{name: "empty PIN", staff: s, pin: "", want: false},
		{name: "PIN with the salt of someone else", staff: Staff{PINSalt: "other", PINHash: s.PINHash}, pin: "4821", want: false},
		{name: "upper-case stored hash", staff: Staff{PINSalt: "x7Q", PINHash: strings.ToUpper(s.PINHash)}, pin: "4821", want: true},
		{name: "no hash stored", staff: Staff{PINSalt: "x7Q"}, pin: "4821", want: false},
		{name: "no hash, empty PIN", staff: Staff{}, pin: "", want: false},
		{name: "corrupt hash", staff: Staff{PINSalt: "x7Q", PINHash: "zz"}, pin: "4821", want: false},
		{name: "truncated hash", staff: Staff{PINSalt: "x7Q", PINHash: s.PINHash[:32]}, pin: "4821", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.staff.CheckPIN(tt.pin); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestValidPIN(t *testing.T) {
	tests := []struct {
		pin string
		ok  bool
	}{
		{pin: "1234", ok: true},
		{pin: "0000", ok: true},
		{pin: "12345678", ok: true},
		{pin: "", ok: false},
		{pin: "123", ok: false},
		{pin: "123456789", ok: false},
		{pin: "12a4", ok: false},
		{pin: "12 34", ok: false},
		{pin: " 1234", ok: false},
		{pin: "１２３４", ok: false}, // full-width digits
	}
	for _, tt := range tests {
		t.Run(tt.pin, func(t *testing.T) {
			err := ValidPIN(tt.pin)
			if tt.ok {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				return
			}
			assertRefusal(t, err, CodeStaffPIN)
			if e, _ := AsError(err); tt.pin != "" && (strings.Contains(e.NL, tt.pin) || strings.Contains(e.EN, tt.pin)) {
				t.Errorf("the sentence repeats the PIN: %q", e.NL)
			}
		})
	}
}
