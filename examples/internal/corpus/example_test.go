package corpus_test

import (
	"fmt"
	"log"

	"github.com/labelcode/labelcode/examples/internal/corpus"
)

func ExampleRepublic() {
	c, err := corpus.Republic()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(c.Tokens), "tokens,", c.Vocab.Len(), "words")
	for id := range 5 {
		fmt.Printf("%d %-4s %d\n", id, c.Vocab.Word(id), c.Vocab.Count(id))
	}
	fmt.Println(c.Tokens[:8])
	// Output:
	// 118684 tokens, 7409 words
	// 0 the  7085
	// 1 and  5753
	// 2 of   4664
	// 3 to   3296
	// 4 is   2512
	// [book i i went down yesterday to the]
}

func ExampleSplit() {
	c, err := corpus.Republic()
	if err != nil {
		log.Fatal(err)
	}
	train, test, err := corpus.Split(c.IDs, 5, 0.1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(train.Len(), "training and", test.Len(), "test windows")
	words, _ := c.Vocab.Decode(test.Context(0), nil)
	next := c.Vocab.Word(test.Target(0))
	fmt.Println(words, "->", next)
	// Output:
	// 106811 training and 11863 test windows
	// [and enjoy such honours as] -> he
}
