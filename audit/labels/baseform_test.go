package labels

import "testing"

// TestBaseForm follows the definition: norm, then white space,
// Unicode Pd and Pc, quotation marks (Pi, Pf, ' " `) and . , ; : ! ?
// removed; every other symbol stays.
func TestBaseForm(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"case", "REFUND", "refund"},
		{"trailing space", "refund ", "refund"},
		{"inner space", "top up", "topup"},
		{"hyphen", "top-up", "topup"},
		{"unicode hyphen (Pd)", "top\u2010up", "topup"},
		{"em dash (Pd)", "top\u2014up", "topup"},
		{"underscore (Pc)", "login_issue", "loginissue"},
		{"curly quotes (Pi, Pf)", "\u201crefund\u201d", "refund"},
		{"ascii quotes", "'a' \"b\" `c`", "abc"},
		{"listed punctuation", "a.b,c;d:e!f?", "abcdef"},
		{"trailing dot", ">50K.", ">50k"},
		{"comparison stays", "<=50K", "<=50k"},
		{"plus stays", "C++", "c++"},
		{"hash stays", "C#", "c#"},
		{"slash and parentheses stay", "a/b (c)", "a/b(c)"},
		{"NFKC full width", "ＲＥＦＵＮＤ", "refund"},
		{"numbers are strings", "1.0", "10"},
		{"only removable characters keep their norm", "...", "..."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := baseForm(tc.in); got != tc.want {
				t.Errorf("baseForm(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
