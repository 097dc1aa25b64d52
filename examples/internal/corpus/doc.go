// Package corpus provides the text task of the Label Mapping paper: Plato's
// Republic (Jowett translation, Project Gutenberg eBook #1497, public
// domain), tokenized exactly as the paper does, with a word vocabulary and
// next-word prediction windows.
//
// The Gutenberg file ships inside the package (testdata/republic.txt.gz,
// embedded with go:embed), so programs run anywhere with no network and no
// data folder. Tokens applies the paper's preprocessing, which gives the
// paper's 118,684 tokens and 7,409 distinct words: from the line "BOOK I."
// to the end, replace "--" with a space, split on white space, delete ASCII
// punctuation inside each token, keep tokens that are then purely
// alphabetic, lower-case them. Load and ReadTokens apply the same to any
// other text read from an io.Reader.
//
// # Conventions
//
// Word ids run from 0 to Vocabulary.Len()-1 by descending frequency, ties
// broken alphabetically (byte order): id 0 is the most frequent word ("the"
// in the Republic). An example of Windows for context length c is the ids of
// c consecutive words, oldest first, and the id of the word after them.
// Split holds out the last part of the text by position, as the paper's
// task does, and windows each part on its own.
//
// Hot paths take a dst slice and return it (Encode, Decode, Batch).
//
// # Cost
//
// Tokens decompresses and tokenizes 1.2 MB of text in about 35 ms; Republic
// adds the vocabulary and ids, about 50 ms in all. NewVocabulary is
// O(n + k log k) for n tokens and k words; Encode is O(n) map lookups. Windows share the id sequence, so windowing costs no memory;
// Batch copies len(idx) x c ids.
package corpus
