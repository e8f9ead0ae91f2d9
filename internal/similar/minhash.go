package similar

import "math/bits"

// shingle hashes the k runes at r (FNV-1a over the rune values, then a
// final mix so that nearby shingles spread over the whole range).
func shingle(r []rune) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range r {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return mix(h)
}

// mix is splitmix64's finaliser.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// signature is a one-permutation MinHash of a set of shingle hashes:
// the range is cut into n bins by the top bits of a second mix and each
// bin keeps its least value; empty bins borrow from the next full one
// (rotation densification), so that two signatures agree in a bin with
// probability close to the sets' Jaccard similarity.
func signature(shingles []uint64, n int) []uint64 {
	sig := make([]uint64, n)
	for i := range sig {
		sig[i] = ^uint64(0)
	}
	if len(shingles) == 0 {
		return sig
	}
	for _, s := range shingles {
		h := mix(s ^ 0x9e3779b97f4a7c15)
		bin, _ := bits.Mul64(h, uint64(n))
		if s < sig[bin] {
			sig[bin] = s
		}
	}
	for i := range sig {
		if sig[i] != ^uint64(0) {
			continue
		}
		for j := 1; j < n; j++ {
			if v := sig[(i+j)%n]; v != ^uint64(0) {
				sig[i] = mix(v + uint64(j))
				break
			}
		}
	}
	return sig
}
