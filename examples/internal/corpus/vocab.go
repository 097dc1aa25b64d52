package corpus

import (
	"fmt"
	"sort"
)

// Vocabulary maps the distinct words of a text to ids 0..Len()-1 and back.
// Ids are assigned by descending frequency, ties broken by byte-wise
// (alphabetical, for ASCII) order of the words: id 0 is the most frequent
// word. The order depends only on the multiset of tokens, so the same text
// always gives the same ids. A Vocabulary is immutable and safe for
// concurrent use.
type Vocabulary struct {
	words  []string
	counts []int
	ids    map[string]int
}

// NewVocabulary counts the words of tokens and numbers them (see
// Vocabulary). It returns an error wrapping ErrEmpty if there are no
// tokens. Cost: O(n + k log k) for n tokens and k distinct words.
func NewVocabulary(tokens []string) (*Vocabulary, error) {
	if len(tokens) == 0 {
		return nil, ErrEmpty
	}
	freq := map[string]int{}
	for _, t := range tokens {
		freq[t]++
	}
	words := make([]string, 0, len(freq))
	for w := range freq {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		fi, fj := freq[words[i]], freq[words[j]]
		if fi != fj {
			return fi > fj
		}
		return words[i] < words[j]
	})
	v := &Vocabulary{words: words, counts: make([]int, len(words)), ids: make(map[string]int, len(words))}
	for id, w := range words {
		v.counts[id] = freq[w]
		v.ids[w] = id
	}
	return v, nil
}

// Len returns the number of distinct words.
func (v *Vocabulary) Len() int { return len(v.words) }

// Word returns the word with id. It panics if id is outside [0, Len()).
func (v *Vocabulary) Word(id int) string { return v.words[id] }

// Count returns how many times the word with id occurs in the tokens the
// vocabulary was built from. It panics if id is outside [0, Len()).
func (v *Vocabulary) Count(id int) int { return v.counts[id] }

// ID returns the id of word and whether the word is in the vocabulary.
func (v *Vocabulary) ID(word string) (int, bool) {
	id, ok := v.ids[word]
	return id, ok
}

// Words returns the words in id order (a copy).
func (v *Vocabulary) Words() []string { return append([]string(nil), v.words...) }

// Encode writes the id of each token into dst and returns it; dst is grown
// if its capacity is below len(tokens), so a large enough dst is not
// reallocated. It returns an error wrapping ErrUnknownWord, naming the token
// and its position, if a token is not in the vocabulary.
func (v *Vocabulary) Encode(tokens []string, dst []int) ([]int, error) {
	if cap(dst) < len(tokens) {
		dst = make([]int, len(tokens))
	}
	dst = dst[:len(tokens)]
	for i, t := range tokens {
		id, ok := v.ids[t]
		if !ok {
			return dst, fmt.Errorf("%w: %q at token %d", ErrUnknownWord, t, i)
		}
		dst[i] = id
	}
	return dst, nil
}

// Decode writes the word of each id into dst and returns it; dst is grown
// if its capacity is below len(ids). It returns an error wrapping ErrIDRange
// if an id is outside [0, Len()).
func (v *Vocabulary) Decode(ids []int, dst []string) ([]string, error) {
	if cap(dst) < len(ids) {
		dst = make([]string, len(ids))
	}
	dst = dst[:len(ids)]
	for i, id := range ids {
		if id < 0 || id >= len(v.words) {
			return dst, fmt.Errorf("%w: %d at position %d, vocabulary has %d words", ErrIDRange, id, i, len(v.words))
		}
		dst[i] = v.words[id]
	}
	return dst, nil
}
