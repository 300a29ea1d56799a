package dialogporten

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/finprod/finprod/mock/internal/store"
)

type sortInput struct {
	CreatedAt        *string
	UpdatedAt        *string
	ContentUpdatedAt *string
}

type searchInput struct {
	Party             *[]string
	ServiceResource   *[]string
	Org               *[]string
	Status            *[]string
	CreatedAfter      *dateTime
	CreatedBefore     *dateTime
	UpdatedAfter      *dateTime
	UpdatedBefore     *dateTime
	Limit             *int32
	ContinuationToken *string
	OrderBy           *[]sortInput
}

// Dialogporten's documented limits on a search.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

var partyPattern = regexp.MustCompile(`^urn:altinn:(organization:identifier-no:\d{9}|person:identifier-no:\d{11})$`)

// order is one sort key of a search: which time and which direction.
type order struct {
	field string // createdAt, updatedAt or contentUpdatedAt
	desc  bool
}

func (o order) key(d store.Dialog) time.Time {
	if o.field == "createdAt" {
		return d.CreatedAt
	}
	return d.UpdatedAt // the store's content changes are its updates
}

// less orders by the key, then by id, both in the chosen direction, so that
// a continuation token (key and id of the last item) is a stable position.
func (o order) less(a, b store.Dialog) bool {
	ka, kb := o.key(a), o.key(b)
	if !ka.Equal(kb) {
		return ka.Before(kb) != o.desc
	}
	if a.ID == b.ID {
		return false
	}
	return (a.ID < b.ID) != o.desc
}

func searchError(typ, msg string) *searchPayload {
	return &searchPayload{Errors: []*payloadError{{typ: typ, message: msg}}, OrderBy: []*sortType{}}
}

func (q *query) SearchDialogs(ctx context.Context, args struct{ Input searchInput }) *searchPayload {
	in := args.Input
	limit := defaultLimit
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	if limit < 1 || limit > maxLimit {
		return searchError("SearchDialogValidationError", fmt.Sprintf("Limit must be between 1 and %d.", maxLimit))
	}
	var parties []string
	if in.Party != nil {
		for _, p := range *in.Party {
			if !partyPattern.MatchString(p) {
				return searchError("SearchDialogValidationError", fmt.Sprintf("Party %q is not a valid party URN.", p))
			}
			parties = append(parties, strings.TrimPrefix(p, dialogschema.PartyOrgPrefix))
		}
	}
	ord := order{field: "contentUpdatedAt", desc: true}
	if in.OrderBy != nil {
		if len(*in.OrderBy) > 1 {
			return searchError("SearchDialogValidationError", "The mock sorts by one field only.")
		}
		for _, o := range *in.OrderBy {
			set := 0
			for _, c := range []struct {
				name string
				dir  *string
			}{{"createdAt", o.CreatedAt}, {"updatedAt", o.UpdatedAt}, {"contentUpdatedAt", o.ContentUpdatedAt}} {
				if c.dir != nil {
					set++
					ord = order{field: c.name, desc: *c.dir == "DESC"}
				}
			}
			if set != 1 {
				return searchError("SearchDialogValidationError", "Set only one property per orderBy object.")
			}
		}
	}
	var after *cursor
	if in.ContinuationToken != nil && *in.ContinuationToken != "" {
		c, err := parseCursor(*in.ContinuationToken)
		if err != nil {
			return searchError("SearchDialogContinuationTokenParsingError", "Invalid continuation token: "+err.Error())
		}
		after = &c
	}

	match := func(d store.Dialog) bool {
		if !q.s.visible(ctx, d) {
			return false
		}
		if parties != nil && !slices.Contains(parties, d.Oppgavegiver) {
			return false
		}
		if in.ServiceResource != nil && !slices.Contains(*in.ServiceResource, q.s.cfg.ServiceResource) {
			return false
		}
		if in.Org != nil && !slices.Contains(*in.Org, q.s.cfg.ServiceOwner) {
			return false
		}
		if in.Status != nil && !slices.Contains(*in.Status, status(d)) {
			return false
		}
		return within(d.CreatedAt, in.CreatedAfter, in.CreatedBefore) && within(d.UpdatedAt, in.UpdatedAfter, in.UpdatedBefore)
	}
	found := q.s.st.Dialogs(match)
	sort.Slice(found, func(i, j int) bool { return ord.less(found[i], found[j]) })
	if after != nil {
		pos := store.Dialog{ID: after.id, CreatedAt: after.at, UpdatedAt: after.at}
		i := sort.Search(len(found), func(i int) bool { return ord.less(pos, found[i]) })
		found = found[i:]
	}

	out := &searchPayload{Errors: []*payloadError{}, OrderBy: []*sortType{sortTypeOf(ord)}}
	if len(found) > limit {
		found = found[:limit]
		last := found[limit-1]
		tok := cursor{at: ord.key(last), id: last.ID}.String()
		out.HasNextPage, out.ContinuationToken = true, &tok
	}
	items := make([]*searchDialog, 0, len(found))
	for _, d := range found {
		items = append(items, &searchDialog{
			ID: uuidScalar(d.ID), Org: q.s.cfg.ServiceOwner, ServiceResource: q.s.cfg.ServiceResource,
			Party: dialogschema.PartyURN(d.Oppgavegiver), Status: status(d),
			CreatedAt: dateTime{d.CreatedAt}, UpdatedAt: dateTime{d.UpdatedAt}, ContentUpdatedAt: dateTime{d.UpdatedAt},
			Content: dialogContent(d),
		})
	}
	out.Items = &items
	return out
}

// within reports whether t lies in [after, before); nil bounds are open.
func within(t time.Time, after, before *dateTime) bool {
	if after != nil && t.Before(after.Time) {
		return false
	}
	return before == nil || t.Before(before.Time)
}

func sortTypeOf(o order) *sortType {
	dir := "ASC"
	if o.desc {
		dir = "DESC"
	}
	st := &sortType{}
	switch o.field {
	case "createdAt":
		st.CreatedAt = &dir
	case "updatedAt":
		st.UpdatedAt = &dir
	default:
		st.ContentUpdatedAt = &dir
	}
	return st
}

// cursor is the position after the last item of a page.
type cursor struct {
	at time.Time
	id string
}

func (c cursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.at.UnixNano(), 10) + "," + c.id))
}

func parseCursor(s string) (cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, fmt.Errorf("not base64url")
	}
	ns, id, ok := strings.Cut(string(raw), ",")
	n, err := strconv.ParseInt(ns, 10, 64)
	if !ok || err != nil || id == "" {
		return cursor{}, fmt.Errorf("not a position")
	}
	return cursor{at: time.Unix(0, n), id: id}, nil
}
