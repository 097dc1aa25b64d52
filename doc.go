// Package labelcode is classification with very many classes (thousands to
// millions) through label codes, on a gorgonia autodiff backend.
//
// A softmax over K classes costs O(hK) parameters and time in the last
// layer and breaks down when K is far larger than the hidden width h.
// labelcode replaces it with codes, following two papers:
//
//   - Label Mapping (LM): a label y becomes n symbols, one per site, each
//     from a small alphabet: prime residues y mod p_i (mixed LM, decoded
//     through the Chinese remainder theorem) or the base-p digits of y
//     encoded by a Reed–Solomon code over GF(p) (simplex LM). One base
//     learner per site is trained independently, and a label is decoded by
//     max-product: argmax_y Σ_i log P_i(f_i(y) | x).
//   - Deep Stochastic Neural Codes (DSNC): the codes are learned. An encoder
//     gives Bernoulli probabilities for c bits, a code is sampled with a
//     straight-through gradient, and a decoder maps codes to classes (a
//     linear softmax, the nearest training code in Hamming space, or a table
//     of all 2^c codes).
//
// # Packages
//
//   - codes: label → per-site symbols (one-hot, binary ECOC, prime residue,
//     Reed–Solomon), with reconstruction, error correction and analysis.
//   - hamming: packed binary codes and exact nearest-neighbour search
//     (linear scan, multi-index hashing, a lookup table for short codes).
//   - decode: per-site scores or a binary code → label: exact, sublinear
//     max-product decoding, linear, Hamming nearest-neighbour and table
//     decoders, and ECOC decoding.
//   - dsnc: Deep Stochastic Neural Codes on gorgonia; a trained model
//     predicts without the graph, with a linear, nearest-code or table
//     decoder.
//   - labelmap: one base learner per site, trained independently (even in
//     separate processes) and decoded exactly.
//   - training: the one training loop every Fit runs, Adam, the minibatch
//     Sampler, schedules, and the History and Progress every model
//     reports; dsnc and labelmap models share one API shape (WithX options,
//     Fit returning a training.History, Predict, TopK, Save, Load).
//   - infer: serving any saved model without gorgonia.
//   - examples: programs that reproduce both papers on real data.
//
// This package holds what they share: Dataset, a dense classification data
// set with validation, seeded splitting and a LIBSVM/SVMLight reader.
//
// # Worked example
//
// Three prime-residue sites code 20,000 classes with alphabets of 31, 37 and
// 41 symbols (31·37·41 = 47,027 ≥ 20,000): three heads with 109 outputs in
// all replace a 20,000-way softmax. By the Chinese remainder theorem the
// three residues fix the label; codes.ChoosePrimes picks primes so that any
// k of n sites do, which lets the decoder start from the best few symbols of
// a few sites instead of scanning all K labels:
//
//	m, _ := codes.NewPrimeResidue(20000, []int{31, 37, 41})
//	sym, _ := m.Encode(12345, nil)       // [7 24 4]: 12345 mod 31, 37, 41
//	y, _ := m.Decode(sym)                // 12345
//	d, _ := decode.NewMaxProduct(m)
//	best, _ := d.Decode(logp)            // logp[i]: site i's log-probabilities
//
// Each base learner is trained on (x, f_i(y)) alone; labelmap.Ensemble does
// this for any Learner and decodes through decode.MaxProduct.
package labelcode
