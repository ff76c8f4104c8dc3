package data

import (
	"fmt"
	"os"
	"strings"
)

// FashionMNISTDir is where Debian's dataset-fashion-mnist package installs
// the four Fashion-MNIST IDX files (gzipped, MNIST's names).
const FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// FashionMNISTDirEnv is the environment variable that overrides
// FashionMNISTDir.
const FashionMNISTDirEnv = "TLSTAT_FASHION_MNIST_DIR"

// FashionMNIST returns the Fashion-MNIST training (60 000) and test
// (10 000) images: 28×28 grayscale pictures of ten kinds of clothing,
// classes 0 T-shirt/top, 1 trouser, 2 pullover, 3 dress, 4 coat, 5 sandal,
// 6 shirt, 7 sneaker, 8 bag, 9 ankle boot. They are read from
// $TLSTAT_FASHION_MNIST_DIR, or else FashionMNISTDir; nothing is
// downloaded. When they are absent the error says how to install them.
func FashionMNIST() (train, test *Images, err error) {
	dir := FashionMNISTDir
	if d := os.Getenv(FashionMNISTDirEnv); d != "" {
		dir = d
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, nil, fmt.Errorf("data: Fashion-MNIST not found in %s: install Debian's dataset-fashion-mnist package (apt install dataset-fashion-mnist, or make setup), or set $%s to a directory with its IDX files",
			dir, FashionMNISTDirEnv)
	}
	return ReadIDXDir(dir)
}

// Datasets lists the names ImagesByName knows.
var Datasets = []string{"mnist", "fashion"}

// ImagesByName returns the training and test images of a built-in dataset:
// "mnist" (MNIST, shipped with the module) or "fashion" (Fashion-MNIST,
// from Debian's dataset-fashion-mnist), case-insensitive.
func ImagesByName(name string) (train, test *Images, err error) {
	switch strings.ToLower(name) {
	case "mnist":
		return MNIST()
	case "fashion", "fashion-mnist":
		return FashionMNIST()
	}
	return nil, nil, fmt.Errorf("data: unknown dataset %q (known: %s)", name, strings.Join(Datasets, ", "))
}

// DatasetTitle returns the display name of a dataset accepted by
// ImagesByName ("MNIST", "Fashion-MNIST"), or name itself.
func DatasetTitle(name string) string {
	switch strings.ToLower(name) {
	case "mnist":
		return "MNIST"
	case "fashion", "fashion-mnist":
		return "Fashion-MNIST"
	}
	return name
}

// CrossTransferTasks builds a source task from one set of images and a
// target task from another (for example MNIST digits to Fashion-MNIST
// clothing) and standardizes all four sets with the source training
// scalars, as TransferTasks does for one set of images. The two tasks must
// give inputs of one dimension (same image size and pooling).
func CrossTransferTasks(source BinaryTask, srcTrain, srcTest *Images, target BinaryTask, tgtTrain, tgtTest *Images) (sTrain, sTest, tTrain, tTest *Dataset, err error) {
	if ds, dt := source.Dim(srcTrain), target.Dim(tgtTrain); ds != dt {
		return nil, nil, nil, nil, fmt.Errorf("data: source inputs have dimension %d, target inputs %d: transfer needs one input dimension", ds, dt)
	}
	sTrain, sTest, err = source.Select(srcTrain, srcTest)
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("source task: %w", err)
	}
	tTrain, tTest, err = target.Select(tgtTrain, tgtTest)
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("target task: %w", err)
	}
	if err := StandardizeTransfer(SourceScaling, sTrain, sTest, tTrain, tTest); err != nil {
		return nil, nil, nil, nil, err
	}
	return sTrain, sTest, tTrain, tTest, nil
}
