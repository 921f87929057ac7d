package store

// MaxPerPage caps the page size of every list.
const MaxPerPage = 200

// Page selects one page of a list; Number starts at 1.
type Page struct {
	Number  int
	PerPage int
}

// Normalize clamps the page to valid values: page 1 and 20 per page by default.
func (p Page) Normalize() Page {
	if p.Number < 1 {
		p.Number = 1
	}
	if p.PerPage < 1 {
		p.PerPage = 20
	}
	if p.PerPage > MaxPerPage {
		p.PerPage = MaxPerPage
	}
	return p
}

// Limit is the SQL LIMIT of the page.
func (p Page) Limit() int { return p.Normalize().PerPage }

// Offset is the SQL OFFSET of the page.
func (p Page) Offset() int {
	n := p.Normalize()
	return (n.Number - 1) * n.PerPage
}
