package data_test

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

func ExampleMNISTTask() {
	// Even digits 0,2,4,6 against odd digits 1,3,5,7, 2×2 average pooling.
	train, test, err := data.MNISTTask([]int{0, 2, 4, 6}, []int{1, 3, 5, 7}, 400, 1000, 2)
	if err != nil {
		log.Fatal(err)
	}
	s, _ := data.FitStandardizer(train.X)
	fmt.Println(train.Len(), train.Dim(), test.Len(), test.Dim())
	fmt.Printf("training mean is 0: %v, std %.6f\n", math.Abs(s.Mean) < 1e-12, s.Std)
	// Output:
	// 400 196 1000 196
	// training mean is 0: true, std 1.000000
}

func ExampleBinaryTask_Select() {
	// Four 2×2 images with labels 0..3; the task keeps classes 1 (+1) and 3 (-1).
	im := &data.Images{Rows: 2, Cols: 2,
		Pix:    []uint8{0, 0, 0, 0, 255, 255, 0, 0, 9, 9, 9, 9, 51, 102, 153, 204},
		Labels: []uint8{0, 1, 2, 3}}
	train, _, err := data.BinaryTask{Pos: []int{1}, Neg: []int{3}, P: 2, Pool: 2}.Select(im, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(train.Y, train.X.At(0, 0), train.X.At(1, 0))
	// Output:
	// [1 -1] 0.5 0.5
}

func ExampleNewTeacherPair() {
	src := rand.NewPCG(1, 1)
	s, t, err := data.NewTeacherPair(10000, 0.8, src)
	if err != nil {
		log.Fatal(err)
	}
	t.Act = kernel.Linear
	d, err := t.Sample(3, src)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("overlap %.2f, %d examples of dimension %d\n", data.Overlap(s, t), d.Len(), d.Dim())
	// Output:
	// overlap 0.80, 3 examples of dimension 10000
}
