package volume

import (
	"reflect"
	"strings"
	"testing"
)

// TestTokenizeCutsAtMaxRunes: only the first maxTextRunes runes (not
// bytes) are tokenized.
func TestTokenizeCutsAtMaxRunes(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		// 4994 + 1 + 2 + 1 + 2 = 5000 runes: everything is read.
		{"exactly the limit", strings.Repeat("x", 4994) + " éé cd", []string{"éé", "cd"}},
		// 5001 runes: the last rune is cut, "cd" becomes "c", too short.
		{"one rune past", strings.Repeat("x", 4995) + " éé cd", []string{"éé"}},
		// Two-byte runes: 2600 of them are 5200 bytes but 2600 runes.
		{"bytes are not runes", strings.Repeat("é", 2600) + " cd", []string{"cd"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tokenize(tc.text); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("tokenize = %v, want %v", got, tc.want)
			}
		})
	}
}
