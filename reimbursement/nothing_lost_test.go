package reimbursement_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// lostBundle is a small bundle with a row or two in every file, each of
// whose records lands in a known place (see TestNothingLost).
func lostBundle(t testing.TB) fstest.MapFS {
	fsys := hostileBundle(t)
	fsys["decisions.csv"].Data = append(fsys["decisions.csv"].Data, "D2,R2,P1,HT,2026-01-01,,10,month,,,,,\n"...)
	fsys["reports.csv"].Data = []byte("id,recipient,provider,service,start,end,staff,kind,status\n" +
		"T1,R1,P1,LEDS,2026-03-03T10:00,2026-03-03T11:00,1,visit,approved\n" +
		"T2,R1,P1,LEDS,2026-03-04T10:00,2026-03-04T11:00,1,visit,approved\n" +
		"T3,R2,P1,HT,2026-03-05T10:00,2026-03-05T11:00,1,visit,approved\n")
	fsys["absences.csv"] = &fstest.MapFile{Data: []byte("id,recipient,service,from,to,reason,status\n" +
		"A1,R2,HT,2026-03-10,2026-03-11,hospital,approved\n")}
	fsys["presence.csv"] = &fstest.MapFile{Data: []byte("id,recipient,provider,service,date,extent,status\n" +
		"N1,R1,P1,LEDS,2026-03-06,,approved\n")}
	fsys["adjustments.csv"] = &fstest.MapFile{Data: []byte("id,provider,period,amount,reason,recipient,service\n" +
		"J1,P1,2026-03,-1500.00,vite: sen rapportering,,\n")}
	return fsys
}

// placesOf returns where each record id of st is: "line", "unpaid:REASON",
// "pending", "unmatched:REASON", "issue:KIND", several joined by "+".
func placesOf(st *reimbursement.Settlement) map[string]string {
	at := map[string][]string{}
	put := func(id, place string) {
		if !slices.Contains(at[id], place) {
			at[id] = append(at[id], place)
		}
	}
	for _, p := range st.Providers {
		for _, l := range p.Lines {
			for _, id := range l.Reports {
				put(id, "line")
			}
		}
		for _, u := range p.Unpaid {
			put(u.ID, "unpaid:"+string(u.Reason))
		}
		for _, id := range p.Pending {
			put(id, "pending")
		}
	}
	for _, u := range st.Unmatched {
		put(u.ID, "unmatched:"+string(u.Reason))
	}
	for _, i := range st.Issues {
		for _, id := range i.IDs {
			put(id, "issue:"+i.Kind)
		}
	}
	out := map[string]string{}
	for id, places := range at {
		out[id] = strings.Join(places, "+")
	}
	return out
}

// TestNothingLost: a file spoiled as exports spoil them harms only its
// own rows. Every row read is a record accounted for, in the settlement
// made whole and in parts alike (the same bytes), and each record is
// where the rules put it: a malformed row not paid (invalid-input) under
// its id, or under FILE:LINE when none can be read.
func TestNothingLost(t *testing.T) {
	base := map[string]string{"T1": "line", "T2": "line", "T3": "line", "A1": "line",
		"N1": "unpaid:not-billable", "J1": "line"}
	tests := []struct {
		name, file, data string
		rows             int               // rows of the spoiled file
		places           map[string]string // where records are, besides base; "" for nowhere
		fatal            string            // part of the error of a file that cannot be read
		adjusted         string            // P1's adjustment line, when the case is of its amount
		encoding         string            // the spoiled file's, when not UTF-8
	}{{
		name: "a stray quote in reports.csv", file: "reports.csv", rows: 3,
		places: map[string]string{"T2": "unpaid:invalid-input"},
	}, {
		name: "a stray quote in decisions.csv", file: "decisions.csv", rows: 2,
		places: map[string]string{"D2": "issue:invalid-decision", "T3": "unmatched:no-decision", "A1": ""},
	}, {
		name: "a stray quote in providers.csv", file: "providers.csv", rows: 2,
		places: map[string]string{"P2": "issue:invalid-provider"},
	}, {
		name: "a stray quote in absences.csv", file: "absences.csv", rows: 1,
		places: map[string]string{"A1": "unpaid:invalid-input"},
	}, {
		name: "a stray quote in presence.csv", file: "presence.csv", rows: 1,
		places: map[string]string{"N1": "unpaid:invalid-input"},
	}, {
		name: "a stray quote in a free-text reason, then another row", file: "adjustments.csv", rows: 2,
		data:   "id,provider,period,amount,reason,recipient,service\nJ1,P1,2026-03,-1500.00,\"vite: sen,,\nJ2,P1,2026-03,-200.00,avdrag,,\n",
		places: map[string]string{"J1": "unpaid:invalid-input", "J2": "line"},
	}, {
		name: "a line break in a free-text reason", file: "adjustments.csv", rows: 1,
		data: "id,provider,period,amount,reason,recipient,service\nJ1,P1,2026-03,-1500.00,\"vite:\nsen rapportering\",,\n",
	}, {
		name: "a line break in a column that is not free text", file: "reports.csv", rows: 4,
		data: "id,recipient,provider,service,start,end\nT1,\"R\n1\",P1,LEDS,2026-03-03T10:00,2026-03-03T11:00\n" +
			"T2,R1,P1,LEDS,2026-03-04T10:00,2026-03-04T11:00\nT3,R2,P1,HT,2026-03-05T10:00,2026-03-05T11:00\n",
		places: map[string]string{"T1": "", "reports.csv:2": "unmatched:invalid-input", "reports.csv:3": "unmatched:invalid-input"},
	}, {
		name: "an unterminated quote at the last row", file: "reports.csv", rows: 3,
		data: "id,recipient,provider,service,start,end\nT1,R1,P1,LEDS,2026-03-03T10:00,2026-03-03T11:00\n" +
			"T2,R1,P1,LEDS,2026-03-04T10:00,2026-03-04T11:00\nT3,R2,P1,HT,\"2026-03-05T10:00,2026-03-05T11:00",
		places: map[string]string{"T3": "unpaid:invalid-input"},
	}, {
		name: "a row without an id", file: "reports.csv", rows: 4,
		data: "id,recipient,provider,service,start,end\nT1,R1,P1,LEDS,2026-03-03T10:00,2026-03-03T11:00\n" +
			"T2,R1,P1,LEDS,2026-03-04T10:00,2026-03-04T11:00\nT3,R2,P1,HT,2026-03-05T10:00,2026-03-05T11:00\n" +
			",R1,P1,LEDS,2026-03-06T10:00,2026-03-06T11:00\n",
		places: map[string]string{"reports.csv:5": "unpaid:invalid-input"},
	}, {
		name: "Windows-1252", file: "providers.csv", rows: 2,
		data:     "id,name,regime\nP1,Omsorg i V\xe4st AB,private\nP2,Egen regi,municipal\n",
		encoding: volume.EncodingWindows1252,
	}, {
		name: "BOM, CRLF, semicolons and a space between thousands", file: "adjustments.csv", rows: 1,
		data:     "\ufeffid;provider;period;amount;reason\r\nJ1;P1;2026-03;-1 500,00;vite\r\n",
		adjusted: "-1500.00",
	}, {
		name: "a misspelt column", file: "decisions.csv", rows: 2,
		data: "id,recipient,provider,service,from,to,granted_hours,granted_per,endreason\n" +
			"D1,R1,P1,LEDS,2026-01-01,,,,\nD2,R2,P1,HT,2026-01-01,,10,month,\n",
		places: map[string]string{"decisions.csv": "issue:unknown-column"},
	}, {
		name: "a repeated column", file: "reports.csv",
		data:  "id,recipient,provider,service,start,end,status,status\n",
		fatal: `reports.csv:1:8 (status): repeated column: "status" is columns 7 and 8`,
	}, {
		name: "a missing column", file: "reports.csv",
		data:  "id,recipient,provider,service,start\nT1,R1,P1,LEDS,2026-03-03T10:00\n",
		fatal: `reports.csv:1 (end): missing column: "end"`,
	}, {
		name: "a field of 50 MB", file: "reports.csv", rows: 3,
		data: "id,recipient,provider,service,start,end\nT1,R1,P1,LEDS,2026-03-03T10:00,2026-03-03T11:00\n" +
			"T2," + strings.Repeat("R", 50<<20) + ",P1,LEDS,2026-03-04T10:00,2026-03-04T11:00\nT3,R2,P1,HT,2026-03-05T10:00,2026-03-05T11:00\n",
		places: map[string]string{"T2": "", "reports.csv:3": "unmatched:invalid-input"},
	}, {
		name: "a NUL byte", file: "reports.csv", rows: 3,
		data: "id,recipient,provider,service,start,end\nT1,R1,P1,LEDS,2026-03-03T10:00,2026-03-03T11:00\n" +
			"T2,R\x001,P1,LEDS,2026-03-04T10:00,2026-03-04T11:00\nT3,R2,P1,HT,2026-03-05T10:00,2026-03-05T11:00\n",
		places: map[string]string{"T2": "unpaid:invalid-input"},
	}, {
		name: "an empty file", file: "absences.csv", data: "",
		fatal: "absences.csv:1: unexpected EOF: no header row",
	}, {
		name: "a header only", file: "absences.csv", rows: 0,
		data:   "id,recipient,service,from,to,reason,status\n",
		places: map[string]string{"A1": ""},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := lostBundle(t)
			if tt.data != "" || tt.fatal != "" {
				fsys[tt.file] = &fstest.MapFile{Data: []byte(tt.data)}
			} else {
				// A stray quote at the start of the file's second row,
				// or of its first when it has one.
				lines := strings.SplitAfter(string(fsys[tt.file].Data), "\n")
				k := min(2, len(lines)-2)
				lines[k] = `"` + lines[k]
				fsys[tt.file] = &fstest.MapFile{Data: []byte(strings.Join(lines, ""))}
			}
			whole, parts, err := settleBoth(t, fsys)
			if tt.fatal != "" {
				if err == nil || !strings.Contains(err.Error(), tt.fatal) {
					t.Fatalf("err = %v, want one saying %q", err, tt.fatal)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(jsonOf(t, whole), parts) {
				t.Error("the month in parts is not the month settled whole")
			}
			requireAccounted(t, whole, tt.file, tt.rows, tt.encoding)
			if tt.adjusted != "" {
				diff(t, "adjustment", []L{{"", "adjustment", "", "-1500", "1", tt.adjusted, "J1"}}, adjustmentLines(whole, "P1"))
			}
			want := maps(base, tt.places)
			got := placesOf(whole)
			for id, place := range want {
				if got[id] != place {
					t.Errorf("%s is at %q, want %q", id, got[id], place)
				}
			}
		})
	}
}

// maps returns a merged with b.
func maps(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// settleBoth settles March of fsys whole, audited, and in parts
// (WriteSettlementFS with parts of one report), returning the whole
// settlement and the JSON the parts wrote.
func settleBoth(t *testing.T, fsys fstest.MapFS) (*reimbursement.Settlement, []byte, error) {
	t.Helper()
	period := volume.MustParsePeriod("2026-03")
	opt := reimbursement.Options{Location: rt.Stockholm(), Audit: true, Workers: 1}
	st, _, err := reimbursement.SettleFS(fsys, period, opt)
	if err != nil {
		return nil, nil, err
	}
	tariff, err := reimbursement.LoadTariffFS(fsys)
	if err != nil {
		return nil, nil, err
	}
	var parts bytes.Buffer
	sum, _, err := reimbursement.WriteSettlementFS(&parts, fsys, tariff, period,
		reimbursement.StreamOptions{Options: opt, TempDir: t.TempDir(), PartReports: 1})
	if err != nil {
		return nil, nil, fmt.Errorf("in parts: %w", err)
	}
	if sum.Parts < 2 {
		t.Errorf("settled in %d parts, want more", sum.Parts)
	}
	return st, parts.Bytes(), nil
}

func jsonOf(t *testing.T, st *reimbursement.Settlement) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := st.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// adjustmentLines returns provider's adjustment lines.
func adjustmentLines(st *reimbursement.Settlement, provider string) []L {
	var out []L
	for _, l := range linesOf(st, provider) {
		if l.Comp == "adjustment" {
			out = append(out, l)
		}
	}
	return out
}

// requireAccounted checks that every file's rows are accounted for, and
// that file has rows rows in encoding ("" for UTF-8).
func requireAccounted(t *testing.T, st *reimbursement.Settlement, file string, rows int, encoding string) {
	t.Helper()
	found := false
	for _, f := range st.Files {
		if f.Rows != f.Accounted {
			t.Errorf("%s: %d rows read, %d accounted for", f.File, f.Rows, f.Accounted)
		}
		if f.File == file {
			found = true
			if f.Rows != rows || f.Encoding != encoding {
				t.Errorf("%s: %d rows read as %q, want %d as %q", file, f.Rows, f.Encoding, rows, encoding)
			}
		}
	}
	if !found {
		t.Errorf("%s is not in the settlement's files %+v", file, st.Files)
	}
}
