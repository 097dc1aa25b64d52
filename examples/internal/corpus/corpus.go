package corpus

import (
	"bytes"
	"compress/gzip"
	_ "embed" // the Republic text
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The Republic as the Label Mapping paper uses it.
const (
	// RepublicStart is the line where the book starts in the Project
	// Gutenberg file; what comes before is the Gutenberg header and the
	// translator's introduction.
	RepublicStart = "BOOK I."
	// RepublicTokens is the number of tokens the paper's preprocessing
	// gives (the paper's figure, reproduced by Tokens).
	RepublicTokens = 118684
	// RepublicWords is the number of distinct words among them.
	RepublicWords = 7409
	// RepublicSHA256 is the SHA-256 of the uncompressed Gutenberg file
	// (eBook #1497, 1,195,637 bytes) shipped with this package.
	RepublicSHA256 = "1d6777487cecb6389fa65cfe3c26048811ca1ef49f34f781244f1d14e30cb31f"
)

// Sentinel errors, wrapped with %w; test with errors.Is.
var (
	// ErrNoStart means the start line was not found in the text.
	ErrNoStart = errors.New("corpus: start line not found")
	// ErrEmpty means the text has no tokens.
	ErrEmpty = errors.New("corpus: no tokens")
	// ErrUnknownWord means a token is not in the vocabulary.
	ErrUnknownWord = errors.New("corpus: word not in vocabulary")
	// ErrIDRange means a word id is outside [0, Vocabulary.Len()).
	ErrIDRange = errors.New("corpus: word id out of range")
	// ErrContext means a context length is not positive.
	ErrContext = errors.New("corpus: context length must be positive")
	// ErrTooShort means a text has too few tokens for the windows asked for.
	ErrTooShort = errors.New("corpus: text too short")
	// ErrFraction means a test fraction is not inside (0, 1).
	ErrFraction = errors.New("corpus: test fraction must be inside (0, 1)")
)

//go:embed testdata/republic.txt.gz
var republicGz []byte

// RepublicText returns the shipped Project Gutenberg file of Plato's
// Republic (Jowett translation, eBook #1497, public domain), uncompressed:
// 1,195,637 bytes whose SHA-256 is RepublicSHA256. Each call decompresses
// a new copy (about 5 ms).
func RepublicText() ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(republicGz))
	if err != nil {
		return nil, fmt.Errorf("corpus: embedded Republic: %w", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("corpus: embedded Republic: %w", err)
	}
	return b, nil
}

// Tokens returns the tokens of the Republic after the Label Mapping paper's
// preprocessing: the text from the line RepublicStart to the end, through
// Tokenize. There are RepublicTokens of them, RepublicWords distinct.
func Tokens() ([]string, error) {
	b, err := RepublicText()
	if err != nil {
		return nil, err
	}
	return ReadTokens(bytes.NewReader(b), RepublicStart)
}

// ReadTokens reads all of r and returns the tokens (see Tokenize) of the
// text from the first line equal to start, ignoring trailing spaces, tabs
// and carriage returns, to the end; the start line itself is included. An
// empty start means the whole text. It returns an error wrapping ErrNoStart
// if no line matches, ErrEmpty if there are no tokens, or r's error.
func ReadTokens(r io.Reader, start string) ([]string, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	text := string(b)
	if start != "" {
		at, ok := findLine(text, start)
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrNoStart, start)
		}
		text = text[at:]
	}
	toks := Tokenize(text)
	if len(toks) == 0 {
		return nil, ErrEmpty
	}
	return toks, nil
}

// findLine returns the offset of the first line of text equal to line after
// trailing spaces, tabs and carriage returns are removed.
func findLine(text, line string) (int, bool) {
	for at := 0; at <= len(text); {
		end := strings.IndexByte(text[at:], '\n')
		if end < 0 {
			end = len(text) - at
		}
		if strings.TrimRight(text[at:at+end], " \t\r") == line {
			return at, true
		}
		at += end + 1
	}
	return 0, false
}

// Tokenize applies the Label Mapping paper's word preprocessing to text:
// replace every "--" with a space; split on white space; delete every ASCII
// punctuation character (!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~) inside each
// token; keep the tokens that are then non-empty and made of letters only
// (unicode.IsLetter, so digits, non-ASCII punctuation or invalid UTF-8
// drop the token);
// lower-case them. So "don't" gives "dont", "well-being" gives
// "wellbeing", "A--B" gives "a" and "b", and "1st" is dropped. Cost: linear
// in len(text).
func Tokenize(text string) []string {
	text = strings.ReplaceAll(text, "--", " ")
	var toks []string
	var buf []byte
	for _, f := range strings.Fields(text) {
		// Invalid UTF-8 is not a letter. Checking before deleting
		// punctuation also keeps deletion from joining stray bytes into a
		// valid character; in valid UTF-8, ASCII bytes never occur inside
		// a multi-byte sequence, so deleting them byte by byte is safe.
		if !utf8.ValidString(f) {
			continue
		}
		buf = buf[:0]
		for i := 0; i < len(f); i++ {
			if !isASCIIPunct(f[i]) {
				buf = append(buf, f[i])
			}
		}
		if len(buf) == 0 || !allLetters(buf) {
			continue
		}
		toks = append(toks, strings.ToLower(string(buf)))
	}
	return toks
}

func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

func allLetters(b []byte) bool {
	for _, r := range string(b) {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// Corpus is a tokenized text with its vocabulary.
type Corpus struct {
	// Tokens are the words of the text in order.
	Tokens []string
	// Vocab holds the distinct words; see Vocabulary for the id order.
	Vocab *Vocabulary
	// IDs are the tokens' word ids: IDs[i] = Vocab.ID(Tokens[i]).
	IDs []int
}

// Republic returns the Republic as the Label Mapping paper uses it (see
// Tokens), with its vocabulary and word ids.
func Republic() (*Corpus, error) {
	toks, err := Tokens()
	if err != nil {
		return nil, err
	}
	return FromTokens(toks)
}

// Load tokenizes the text read from r from the line start (see ReadTokens)
// and returns it with its vocabulary and word ids. Use it for other texts.
func Load(r io.Reader, start string) (*Corpus, error) {
	toks, err := ReadTokens(r, start)
	if err != nil {
		return nil, err
	}
	return FromTokens(toks)
}

// FromTokens builds a Corpus from tokens, which it keeps (not copied). It
// returns an error wrapping ErrEmpty if there are none.
func FromTokens(tokens []string) (*Corpus, error) {
	v, err := NewVocabulary(tokens)
	if err != nil {
		return nil, err
	}
	ids, err := v.Encode(tokens, nil)
	if err != nil {
		return nil, err
	}
	return &Corpus{Tokens: tokens, Vocab: v, IDs: ids}, nil
}
