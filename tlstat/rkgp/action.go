package rkgp

import "math"

// actionOdd returns S(Q) = Q - log Q + (1/N)[log det G + yᵀG⁻¹y] with
// G = T I + (Q/lambda1) K: the log-determinant from the eigenvalues,
// Σ_i log(T + Q k_i/lambda1), and yᵀG⁻¹y = ŷᵀ(T I + (Q/lambda1) Tr)⁻¹ŷ by a
// tridiagonal solve, O(P) in all.
func (sp *spectrum) actionOdd(net Network, q float64) float64 {
	s := q / net.Lambda1
	var ld float64
	for _, k := range sp.eig {
		ld += math.Log(net.T + s*k)
	}
	u := sp.tridiagSolve(net.T, s, sp.yt)[0]
	return q - math.Log(q) + (ld+dot(sp.yt, u))/float64(net.N)
}

// gradOdd returns dS/dQ = 1 - 1/Q + (1/(N lambda1)) [tr(G⁻¹K) - yᵀG⁻¹KG⁻¹y],
// with tr(G⁻¹K) = Σ_i k_i/(T + Q k_i/lambda1) from the eigenvalues and
// yᵀG⁻¹KG⁻¹y = uᵀ Tr u, u = (T I + (Q/lambda1) Tr)⁻¹ ŷ, in O(P).
func (sp *spectrum) gradOdd(net Network, q float64) float64 {
	s := q / net.Lambda1
	var tr float64
	for _, k := range sp.eig {
		tr += k / (net.T + s*k)
	}
	u := sp.tridiagSolve(net.T, s, sp.yt)[0]
	return 1 - 1/q + (tr-sp.trForm(u, u))/(float64(net.N)*net.Lambda1)
}

// pairSums holds the sums that the two-parameter action needs at fixed Qbar,
// for A = T I + (Qbar/lambda1)(K - m mᵀ) = Z (T I + (Qbar/lambda1) Tr) Zᵀ:
// ld = log det A, yy = yᵀA⁻¹y, mm = mᵀA⁻¹m, my = mᵀA⁻¹y, and the derivatives
// of the four with respect to Qbar (suffix d). For mt == nil (M = 0) the
// m terms are zero.
type pairSums struct {
	ld, yy, mm, my     float64
	ldd, yyd, mmd, myd float64
}

func (sp *spectrum) sums(net Network, qbar float64) pairSums {
	var s pairSums
	sc := qbar / net.Lambda1
	for _, e := range sp.eig {
		k := e / net.Lambda1
		g := net.T + qbar*k
		s.ld += math.Log(g)
		s.ldd += k / g
	}
	// d(A⁻¹)/dQbar = -A⁻¹ (B/lambda1) A⁻¹, so e.g. d(yᵀA⁻¹y)/dQbar = -uᵀ Tr u / lambda1.
	if sp.mt == nil {
		u := sp.tridiagSolve(net.T, sc, sp.yt)[0]
		s.yy = dot(sp.yt, u)
		s.yyd = -sp.trForm(u, u) / net.Lambda1
		return s
	}
	sol := sp.tridiagSolve(net.T, sc, sp.yt, sp.mt)
	uy, um := sol[0], sol[1]
	s.yy = dot(sp.yt, uy)
	s.mm = dot(sp.mt, um)
	s.my = dot(sp.mt, uy)
	s.yyd = -sp.trForm(uy, uy) / net.Lambda1
	s.mmd = -sp.trForm(um, um) / net.Lambda1
	s.myd = -sp.trForm(um, uy) / net.Lambda1
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
