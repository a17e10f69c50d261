package radix

import (
	"math/rand"
	"slices"
	"testing"
)

// TestSort: Sort and SortWith sort as slices.Sort does, when bytes are
// skipped (all keys share them) in an odd or even number of passes, and
// carry their indices along, stably.
func TestSort(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	shapes := map[string]func() uint64{
		"random":          rng.Uint64,
		"three low bytes": func() uint64 { return rng.Uint64() & 0xffffff },
		"two low bytes":   func() uint64 { return rng.Uint64() & 0xffff },
		"the top byte":    func() uint64 { return rng.Uint64() & (0xff << 56) },
		"all alike":       func() uint64 { return 42 },
	}
	var scratch Scratch
	for name, value := range shapes {
		for _, n := range []int{0, 1, 2, 1000, 100000} {
			a := make([]uint64, n)
			for i := range a {
				a[i] = value()
				if i%7 == 0 && i > 0 {
					a[i] = a[i-1] // repeats
				}
			}
			orig := slices.Clone(a)
			want := slices.Clone(a)
			slices.Sort(want)
			Sort(a)
			if !slices.Equal(a, want) {
				t.Fatalf("%s: Sort of %d values is not sorted", name, n)
			}
			keys := slices.Clone(orig)
			idx := make([]int32, n)
			for i := range idx {
				idx[i] = int32(i)
			}
			SortWith(keys, idx, &scratch)
			for i := range keys {
				if keys[i] != want[i] || orig[idx[i]] != keys[i] {
					t.Fatalf("%s: SortWith of %d values: at %d key %x index %d", name, n, i, keys[i], idx[i])
				}
				if i > 0 && keys[i] == keys[i-1] && idx[i] < idx[i-1] {
					t.Fatalf("%s: SortWith of %d values is not stable at %d", name, n, i)
				}
			}
		}
	}
}

// TestSortWithLengths: indices of another length than the keys are a
// programming error, not a silent half sort.
func TestSortWithLengths(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	SortWith([]uint64{2, 1}, []int32{0}, nil)
}

// TestKey: eight bytes of a string from an offset, big-endian, zeros past
// the end, the same for a string and its bytes.
func TestKey(t *testing.T) {
	tests := []struct {
		name string
		id   string
		off  int
		want uint64
	}{
		{"empty", "", 0, 0},
		{"one byte", "V", 0, 0x56 << 56},
		{"short", "V12", 0, 0x56313200_00000000},
		{"seven bytes", "ABCDEFG", 0, 0x41424344_45464700},
		{"eight bytes", "ABCDEFGH", 0, 0x41424344_45464748},
		{"longer", "ABCDEFGHIJ", 0, 0x41424344_45464748},
		{"second eight, short", "ABCDEFGHIJ", 8, 0x494a0000_00000000},
		{"second eight, whole", "ABCDEFGHIJKLMNOP", 8, 0x494a4b4c_4d4e4f50},
		{"offset at the end", "ABCDEFGH", 8, 0},
		{"offset past the end", "AB", 16, 0},
		{"high bytes", "\xff\x80", 0, 0xff800000_00000000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Key(tt.id, tt.off); got != tt.want {
				t.Errorf("Key(%q, %d) = %#x, want %#x", tt.id, tt.off, got, tt.want)
			}
			if got := Key([]byte(tt.id), tt.off); got != tt.want {
				t.Errorf("Key([]byte(%q), %d) = %#x, want %#x", tt.id, tt.off, got, tt.want)
			}
		})
	}
}
