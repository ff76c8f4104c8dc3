package plotting

import "testing"

func TestListHTML(t *testing.T) {
	for _, tc := range []struct {
		l    List
		want string
	}{
		{nil, "<ul>\n</ul>\n"},
		{List{"a < b", "γ = 2 & R̂ ≤ 1.01"}, "<ul>\n<li>a &lt; b</li>\n<li>γ = 2 &amp; R̂ ≤ 1.01</li>\n</ul>\n"},
	} {
		got, err := tc.l.HTML()
		if err != nil || got != tc.want {
			t.Errorf("List%q.HTML() = %q, %v; want %q", []string(tc.l), got, err, tc.want)
		}
	}
}
