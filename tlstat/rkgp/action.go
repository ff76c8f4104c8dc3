package rkgp

import "math"

// actionOdd returns S(Q) = Q - log Q + (1/N) Σ_i [log g_i + yt_i²/g_i] with
// g_i = T + Q eig_i/lambda1, evaluated in the eigenbasis in O(P).
func (sp *spectrum) actionOdd(net Network, q float64) float64 {
	var s float64
	for i, k := range sp.eig {
		g := net.T + q*k/net.Lambda1
		s += math.Log(g) + sp.yt[i]*sp.yt[i]/g
	}
	return q - math.Log(q) + s/float64(net.N)
}

// gradOdd returns dS/dQ = 1 - 1/Q + (1/N) Σ_i (k_i/g_i)(1 - yt_i²/g_i), k_i = eig_i/lambda1.
func (sp *spectrum) gradOdd(net Network, q float64) float64 {
	var s float64
	for i, e := range sp.eig {
		k := e / net.Lambda1
		g := net.T + q*k
		s += k / g * (1 - sp.yt[i]*sp.yt[i]/g)
	}
	return 1 - 1/q + s/float64(net.N)
}

// pairSums holds the eigenbasis sums that the two-parameter action needs at
// fixed Qbar: with g_i = T + Qbar eig_i/lambda1 (the spectrum of
// A = T I + (Qbar/lambda1)(K - m mᵀ)),
// ld = log det A, yy = yᵀA⁻¹y, mm = mᵀA⁻¹m, my = mᵀA⁻¹y, and the derivatives
// of the four with respect to Qbar (suffix d).
type pairSums struct {
	ld, yy, mm, my     float64
	ldd, yyd, mmd, myd float64
}

func (sp *spectrum) sums(net Network, qbar float64) pairSums {
	var s pairSums
	for i, e := range sp.eig {
		k := e / net.Lambda1
		g := net.T + qbar*k
		y, m := sp.yt[i], sp.mt[i]
		ig := 1 / g
		s.ld += math.Log(g)
		s.yy += y * y * ig
		s.mm += m * m * ig
		s.my += m * y * ig
		kg2 := k * ig * ig
		s.ldd += k * ig
		s.yyd -= y * y * kg2
		s.mmd -= m * m * kg2
		s.myd -= m * y * kg2
	}
	return s
}

// actionPair returns the two-parameter action of non-odd activations
//
//	S(Qbar, Q) = -Q Qbar + log(1+Q) + (1/N) [log det G + yᵀG⁻¹y],
//	G = T I + (Qbar/lambda1)(K - M) + M/(lambda1 (1+Q)),  M = m mᵀ,
//
// using the matrix determinant lemma and Sherman–Morrison for the rank-one M:
// log det G = log det A + log D, yᵀG⁻¹y = yᵀA⁻¹y - c (mᵀA⁻¹y)²/D with
// c = 1/(lambda1 (1+Q)) and D = 1 + c mᵀA⁻¹m.
func (sp *spectrum) actionPair(net Network, qbar, q float64) float64 {
	s := sp.sums(net, qbar)
	c := 1 / (net.Lambda1 * (1 + q))
	d := 1 + c*s.mm
	h := s.ld + math.Log(d) + s.yy - c*s.my*s.my/d
	return -q*qbar + math.Log1p(q) + h/float64(net.N)
}

// gradPair returns (dS/dQbar, dS/dQ) of actionPair.
func (sp *spectrum) gradPair(net Network, qbar, q float64) (dqbar, dq float64) {
	s := sp.sums(net, qbar)
	c := 1 / (net.Lambda1 * (1 + q))
	d := 1 + c*s.mm
	n := float64(net.N)
	hb := s.ldd + c*s.mmd/d + s.yyd - c*(2*s.my*s.myd*d-c*s.my*s.my*s.mmd)/(d*d)
	hc := s.mm/d - s.my*s.my/(d*d)
	dqbar = -q + hb/n
	dq = -qbar + 1/(1+q) - c/(1+q)*hc/n
	return dqbar, dq
}
