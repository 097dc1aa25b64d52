// Package labelmap is Label Mapping (LM paper, "Large scale classification
// in deep neural network with Label Mapping"): a classification problem with
// K classes becomes n smaller ones through a codes.Mapping, one base learner
// per site is trained on the relabelled data y -> f_i(y) with no
// communication between sites, and a prediction is the label maximising
// Σ_i log p_i(f_i(y)) (section IV-C), found exactly by decode.MaxProduct.
//
// # The model API
//
// Every model of this package has the shape of package dsnc's: a
// constructor taking WithX options, each checked there (a bad value is
// ErrConfig); Fit(ctx, train, val) returning a *training.History (per-epoch
// loss, accuracy, validation score and time; the kept epoch, counting from
// 1; the parameter count and wall time; for an Ensemble, one history per
// site); Predict, PredictBatch, TopK (labels with their joint log scores),
// Accuracy, TopKAccuracy; Save; and the package-level Load, which returns a
// Model ready to predict. The defaults (20 epochs, batches of 128, Adam at
// 1e-3, patience 5, seed 1) are dsnc's. Progress reports are
// training.Progress values (WithProgress).
//
// # Pieces
//
//   - NewMixed, NewSimplex: the mixed (y mod p_i) and simplex (Reed–Solomon)
//     Label Mapping ensembles of the paper in one call, any two sites
//     determining the label; NewOneHot: the one-hot softmax baseline, an
//     ensemble of one site over all labels with the same options and API.
//   - Ensemble: a codes.Mapping plus one learner per site (NewEnsemble for
//     any mapping). Fit trains the sites concurrently (WithParallelism
//     bounds it); FitSite trains one site alone, SaveSite/LoadSite move it
//     between processes; a missing site is left out of the decoding.
//   - Learner: a base learner for one site (Fit on (row, symbol) pairs given
//     as a labelcode.Dataset whose Classes is the site's alphabet size;
//     LogProba over the alphabet, with dst). BatchLearner adds batched
//     scoring, Saveable adds saving. Bring your own with WithLearner.
//   - MLP: the default learner, a softmax MLP (ReLU hidden layers) trained by
//     training.Run (Adam, shuffled minibatches, early stopping on validation
//     accuracy with the best epoch kept, seed, progress, context) and
//     evaluated without the graph. With codes.NewBinary it is the binary
//     ECOC baseline.
//   - MultiHead: the shared-trunk network of the paper's Figure 4a, one
//     trunk and n softmax heads trained jointly on the summed loss;
//     TrunkParams splits Params between trunk and heads.
//   - InputEncoder: LM on the input side (section V-C): a categorical value
//     becomes the n-hot vector of its symbols, Σ_i SiteClasses(i) wide, or
//     its index list, or directly its embedding.
//   - Relabel: the per-site targets of a batch of labels.
//   - Custom training loops: MultiHead.Init (Fit's initial weights),
//     MultiHead.NewTrainingGraph (the shared-trunk graph with one loss per
//     site, over the model's own weights, the graph Fit trains on),
//     TrainingGraph.Bind (the graph on a dataset, a training.Model), and
//     package training's Sampler, Adam, Schedule and Run, MultiHead.Clone (to
//     keep the best epoch). A hand-written loop over them reproduces Fit
//     bit for bit, and the model it trains predicts (decode.MaxProduct) and
//     saves as a fitted one.
//   - Serving: the file format, the max-product prediction and the network
//     scorers live in a graph-free core (internal/lmcore) that Ensemble,
//     MultiHead and the loaders use; package infer loads the same files
//     (MLP ensembles, MultiHead models) and predicts the same labels
//     without linking gorgonia.
//   - Printing: mappings, ensembles, MLPs and MultiHead models have String
//     methods; a training.History prints as a table, as CSV and as plot-ready
//     Series.
//
// # Conventions
//
// Rows are []float32 of the training width; batches are row-major. Per-site
// scores are log-probabilities ([]float64, one slice per site, nil for a
// missing site), the form decode.MaxProduct takes. Hot paths take dst and
// return it. Sentinel errors (ErrNotFitted, ErrLabelRange, ErrScoreCount,
// ErrNaNScore, ErrInput, ErrSite, ErrConfig, ErrCorrupt, ErrVersion,
// ErrNotSaveable, ErrTooLarge) are wrapped; test with errors.Is.
//
// Reproducibility: an MLP's weight initialisation and minibatch order come
// from its seed, an Ensemble derives site i's seed from WithSeed and i,
// and every network trains on its own graph whose ops give the same bits
// whatever the number of goroutines they split their work over, so a site
// trained in any goroutine or process with the same options and data is the
// same model bit for bit (on the same machine and BLAS).
//
// # Files
//
// Ensemble.Save, SaveSite/LoadSite, MultiHead.Save and Load read and
// write the module's one file container (the frame of every model and
// index file: magic, kind — ensemble, site or multi-head —, version, body
// length, body, CRC-32C of everything) whose body holds the mapping
// (codes.Marshal JSON) and the learners (kind name and MarshalBinary data,
// length-prefixed). The "LABELMAP" files of the earlier release still
// load. Files are written to a temporary file, synced and renamed.
// Truncated or damaged files give ErrCorrupt, other versions ErrVersion. Learners that do not fit
// the mapping (an alphabet other than their site's, input widths that
// differ between sites) are refused at load, not at Predict.
//
// # Limits
//
// A network's size is bounded before anything is allocated for it, by
// WithMaxWeights (default DefaultMaxWeights, 2^28 weights): each MLP and
// MultiHead network, and the sum over an Ensemble's sites. A larger model is ErrTooLarge, so a typo in a
// class count is an error rather than an out-of-memory crash; the options
// raise the limits. Loading never allocates much more than the file's own
// size (plus what its mapping needs): every length is checked against the
// bytes left, and a network's weight count, computed without overflow, must
// match its bytes before a layer is made.
//
// # Cost
//
// An MLP's LogProba is one matrix-vector product per layer, O(weights),
// streamed once through an AVX2 kernel that skips the weights of zero
// inputs, allocation-free with a reused dst; Predict adds the decoder's
// search (sublinear in K on peaked scores, see package decode) and
// allocates nothing in the steady state (the decoder itself may, rarely, on
// hard inputs). PredictBatch of a MultiHead model or an Ensemble of MLPs
// scores chunks of up to 256 rows with one (parallel) matrix product per
// layer and spreads the decoding of each chunk over GOMAXPROCS goroutines;
// other learners' rows are split over GOMAXPROCS goroutines. Against a
// K-way softmax on a trunk of width h, LM's output layers hold h·Σ_i SiteClasses(i) weights instead of h·K (for
// K = 20,000 and three primes near 150: 471 columns instead of 20,000).
package labelmap
