// Package dsnc implements Deep Stochastic Neural Codes (DSNC; Deep
// Stochastic Neural Codes for large-scale multi-class classification): a
// network that maps an input to a short binary code and the code to one of
// K classes, learning both the codes of the classes and the encoder end to
// end on gorgonia.
//
// # Model
//
// The encoder φ (optional ReLU hidden layers, then a linear layer and a
// sigmoid) gives the probability φᵢ(x) of each of Bits code bits. During
// training a code b ~ Bernoulli(φ(x)) is sampled (Binarize in Sample mode);
// a linear decoder followed by a softmax gives the class probabilities and
// the loss is the negative log-likelihood (paper eq. 5–6). The sampling
// step is not differentiable: its gradient is the straight-through
// estimate, dL/dφ = dL/db. Optionally (WithRegulariser) the regulariser of
// eq. 7–8, β·(mean squared distance of φ(x) over same-class pairs of the
// minibatch) − γ·(the same over different-class pairs), pulls the codes of
// a class together and pushes classes apart, with the paper's schedule: β
// and γ doubled after an epoch whose validation accuracy rose, halved after
// one whose accuracy fell. At inference the code is thresholded,
// bᵢ = 1[φᵢ(x) >= 0.5], and decoded by the linear decoder or by the label
// of the nearest code seen in training.
//
// By default (WithSymmetricCodes; Config.Symmetric, saved with the model)
// the training decoder reads s = 2b − 1 in {−1, +1} instead of the
// paper's b; WithSymmetricCodes(false) gives the paper's form.
// With {0, 1} codes a set bit only adds its decoder row to the logits,
// noise while no class is predictable, so the gradient pushes every bit
// off (the all-zero code gives exactly log K) and, on many classes with
// non-negative inputs, the codes collapse within tens of Adam steps
// (measured on CJK glyphs: 4,019 distinct codes for 35,000 training rows
// after one epoch); with ±1 codes neither value of a bit is free, and the
// codes stay spread. Prediction keeps the {0, 1} form: the decoder is
// folded once (Model.BinaryDecoder: W′ = 2W, B′ = B − Σⱼ Wⱼ), so
// encoders, decoders, saved training codes and Fit's validation see
// the same codes and scores as without the option.
//
// # Use
//
// The shape is the module's, the same as labelmap's:
//
//	m, err := dsnc.New(dsnc.WithBits(32), dsnc.WithHidden(256),
//		dsnc.WithDecoder(dsnc.Decoding{Kind: dsnc.NearestDecoding}))
//	hist, err := m.Fit(ctx, train, val) // a *training.History
//	y, err := m.Predict(x)              // or PredictBatch, TopK, Accuracy
//	err = m.Save("model.dsnc")
//	m, err = dsnc.Load("model.dsnc", dsnc.WithDecoder(dsnc.Decoding{Kind: dsnc.TableDecoding}))
//
// New validates every option (an invalid value is ErrConfig, wrapped);
// the training defaults are the module's: 20 epochs, batches of 128,
// learning rate 1e-3, patience 5, seed 1. Fit draws the network for the
// training set's shape, trains it with training.Run, and leaves the model
// ready to predict with the decoder of WithDecoder (linear by default).
// Load and Unmarshal return a model ready to predict with the decoder
// WithDecoder names or, without it, the one the file recorded. Package
// infer serves the same files without gorgonia.
//
// # Parts
//
//   - Binarize: the stochastic binary layer as a gorgonia op for any graph,
//     with SetMode to switch a built graph between Sample and Threshold.
//   - Graph builders, which Fit itself is assembled from: NewNet (a Model's
//     weights as graph nodes, bound without a copy), Net.Encode, Binarize,
//     Net.Decode, CrossEntropy (the fused softmax negative log-likelihood;
//     NLL is the same loss from gorgonia's own ops), NewRegulariser;
//     Model.NewTrainingGraph puts them together for one batch size. Every
//     dense layer is one fused op (matrix product, bias, activation) whose
//     backward pass skips the input gradient of the first layer.
//   - Custom training loops: Model.Init draws the network from the seed
//     (Fit's first step), Model.NewTrainingGraph builds its graph, which is
//     a training.Model (Bind a training set, then Step, or run training.Run over
//     it); training.NewSampler (training.NewClassSampler with the regulariser),
//     training.NewAdam and training.Cosine are the rest of Fit's loop, so a loop
//     written by hand reproduces Fit bit for bit (as does gorgonia's own
//     AdamSolver over the graph's nodes). Model.SetTrainingCodes ends the
//     loop: it stores the training codes and prepares prediction.
//   - Prediction on the Model, without the graph, in float32 (one example
//     through AVX2 kernels that stream the weights once, a batch through
//     BLAS matrix products), with the decoder chosen by Decoding
//     (LinearDecoding, the only one with scores for TopK; NearestDecoding;
//     TableDecoding). The encoder, the decoders and the file format live in
//     a graph-free core (internal/dsnccore) shared with package infer.
//   - Save, MarshalBinary, Load, Unmarshal: one versioned, checksummed file
//     with the configuration, weights, training codes and decoder choice.
//   - Model.Analyze: the latent-space statistics of the paper's Table 3.
//
// Models and code statistics print readably (String); Fit's training.History
// also prints as CSV and as plot-ready Series.
//
// # Conventions
//
// Rows are float32, row-major, as in labelcode.Dataset. A code of Bits
// bits is packed in hamming's order: Words = ⌈Bits/64⌉ uint64 words, bit i
// is bit i%64 of word i/64, unused high bits zero. A dense layer's W is an
// In×Out matrix (y = x·W + B), held row-major in a float32 slice. Models,
// training and prediction are float32; a model file written with float64
// weights loads rounded to float32. Methods that take a dst slice return
// the result in it, grown if too short. Epochs and batches count from 1;
// History.Best = 0 names the initial weights.
//
// # Costs
//
// For Features inputs, hidden widths h₁…hₘ, c bits and K classes, let
// E = Features·h₁ + … + hₘ·c be the encoder's multiply-adds. A training
// epoch over N rows costs O(N·(E + c·K)) (forward and backward; with the
// regulariser also O(N·batch·c)). Encoding one row costs O(E). Decoding
// costs O(c·K) with LinearDecoding; with NearestDecoding over n distinct
// training codes, a multi-index-hashing search, sublinear in n when codes
// are clustered and never much worse than a O(n·c/64) scan; with
// TableDecoding one memory read, after an O(2^c·c) build (c <= 24).
// Predict allocates nothing in steady state; PredictBatch encodes blocks of
// rows with one matrix product per layer on GOMAXPROCS goroutines.
// Analyze costs O(N·E + N log N + K·c).
//
// # Limits
//
// Sizes are checked, without overflow, before anything is allocated, and a
// size beyond a limit is an error wrapping ErrTooLarge (with ErrConfig for
// a configuration, ErrCorrupt for a file), never an out-of-memory crash:
//   - Features, Classes and every hidden width are at most MaxDim
//     (2^31 − 1); Bits is at most MaxBits (4096), TableDecoding's Bits at
//     most MaxTableBits (24).
//   - A network has at most WithMaxWeights weights and biases
//     (Config.MaxWeights), DefaultMaxWeights (2^28) by default. A training
//     batch's activations (batch × the widest layer, batch² with the
//     regulariser) are held to the same limit.
//   - Reading a model file (Load, Unmarshal) allocates no more than about
//     twice the file's size: every count in it is checked against the
//     bytes that remain. Preparing prediction then takes a few copies of
//     the weights (float32 for the encoder, float64 while folding the
//     decoder) and what the decoder needs (4·2^Bits bytes for a table).
package dsnc
