package reimbursement_test

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// TestSharedVisitCopiesInAnyOrder: two rows of one id and recipient with
// different content (both duplicate-id, both in the visit's count) take
// their parts of a shared visit by their content, not by the order they
// were read in: the settlement is the same bytes in any order.
func TestSharedVisitCopiesInAnyOrder(t *testing.T) {
	tariff := testby(t)
	reports := rt.Reports(
		"V1 R1 P1 HT 2026-03-20T18:00 19:00 shared=H1",
		"V1 R1 P1 HT 2026-03-20T18:00 19:00 staff=2 shared=H1",
		"V1 R1 P1 HT 2026-03-20T18:00 19:00 pending shared=H1",
		"V2 R2 P1 HT 2026-03-20T18:00 19:00 shared=H1",
	)
	in := reimbursement.Input{Providers: testbyProviders,
		Decisions: []reimbursement.Decision{rt.Decision("D1 R1 P1 HT 2026-03-01.. 20/month"), rt.Decision("D2 R2 P1 HT 2026-03-01.. 20/month")}}
	var want []byte
	r := rand.New(rand.NewPCG(3, 4))
	for range 12 {
		in.Reports = append(in.Reports[:0:0], reports...)
		r.Shuffle(len(in.Reports), func(i, j int) { in.Reports[i], in.Reports[j] = in.Reports[j], in.Reports[i] })
		st, err := reimbursement.Settle(tariff, volume.MustParsePeriod("2026-03"), in, reimbursement.Options{Location: rt.Stockholm()})
		require.NoError(t, err)
		var b bytes.Buffer
		require.NoError(t, st.WriteJSON(&b))
		if want == nil {
			want = b.Bytes()
			continue
		}
		require.Equal(t, string(want), b.String())
	}
}
