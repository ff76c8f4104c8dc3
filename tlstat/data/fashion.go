package data

import (
	"errors"
	"fmt"
	"io/fs"
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
// 6 shirt, 7 sneaker, 8 bag, 9 ankle boot. They are read from the
// directory LocateFashionMNIST returns; nothing is downloaded. When they
// are absent the error says how to install them and wraps fs.ErrNotExist.
func FashionMNIST() (train, test *Images, err error) {
	dir, err := LocateFashionMNIST()
	if err != nil {
		return nil, nil, err
	}
	return ReadIDXDir(dir)
}

// LocateFashionMNIST returns the directory of the Fashion-MNIST IDX files:
// $TLSTAT_FASHION_MNIST_DIR, or else FashionMNISTDir. When the directory
// does not exist or lacks a unique file for one of the four roles (see
// ReadIDXDir), the error names it, says how to install the data and wraps
// fs.ErrNotExist, so that a caller can tell absent data
// (errors.Is(err, fs.ErrNotExist)) from unreadable files.
func LocateFashionMNIST() (string, error) {
	dir := FashionMNISTDir
	if d := os.Getenv(FashionMNISTDirEnv); d != "" {
		dir = d
	}
	missing := func(why error) error {
		return fmt.Errorf("data: Fashion-MNIST not found in %s (%w): install Debian's dataset-fashion-mnist package (apt install dataset-fashion-mnist, or make setup), or set $%s to a directory with its IDX files",
			dir, why, FashionMNISTDirEnv)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", missing(fs.ErrNotExist)
		}
		return "", fmt.Errorf("data: Fashion-MNIST directory: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	for _, role := range idxRoles {
		if _, err := findIDXFile(names, role); err != nil {
			return "", missing(fmt.Errorf("%v: %w", err, fs.ErrNotExist))
		}
	}
	return dir, nil
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
