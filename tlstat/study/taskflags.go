package study

import (
	"flag"
	"fmt"
	"math/rand/v2"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"gonum.org/v1/gonum/mat"
)

// TaskFlags are the flags selecting a single binary image task, or a
// training and a test set read from CSV files.
type TaskFlags struct {
	fs       *flag.FlagSet
	pos, neg classList
	p, ptest int
	pool     int
	idxDir   string
	// CSV input (-train-csv and -test-csv).
	trainCSV, testCSV string
	csvLabel          int
	csvHeader         bool
	trainHeader       bool
	testHeader        bool
	anyLabel          bool
	dataset           string
	// Synthetic teacher (-teacher-n0).
	teacherN0   int
	teacherSeed uint64
}

// AddTaskFlags registers -pos -neg -p -ptest -pool -idx-dir and the CSV
// flags -train-csv -test-csv -csv-label -csv-header on fs.
func AddTaskFlags(fs *flag.FlagSet) *TaskFlags {
	t := &TaskFlags{fs: fs, pos: mustClasses("0,2,4,6"), neg: mustClasses("1,3,5,7")}
	fs.Var(&t.pos, "pos", "comma-separated classes labelled +1")
	fs.Var(&t.neg, "neg", "comma-separated classes labelled -1")
	fs.IntVar(&t.p, "p", 400, "number of training examples (the first ones in file order; with -train-csv the default is all rows)")
	fs.IntVar(&t.ptest, "ptest", 1000, "number of test examples (the first ones in file order; with -test-csv the default is all rows)")
	fs.IntVar(&t.pool, "pool", 2, "side of the average-pooling blocks (must divide the image side; 1 = none)")
	fs.StringVar(&t.idxDir, "idx-dir", "", "directory with IDX files (MNIST/EMNIST/Fashion-MNIST names) or the CIFAR-10 binary batches (data_batch_1.bin … test_batch.bin, read in gray); empty = the -dataset")
	fs.StringVar(&t.dataset, "dataset", "mnist", "built-in images: mnist (shipped with tlstat) or fashion (Fashion-MNIST, Debian's dataset-fashion-mnist)")
	fs.StringVar(&t.trainCSV, "train-csv", "", "read the training set from this CSV file (one example per line: a label column and the inputs) instead of images; needs -test-csv")
	fs.StringVar(&t.testCSV, "test-csv", "", "read the test set from this CSV file (same columns as -train-csv)")
	fs.IntVar(&t.csvLabel, "csv-label", 0, "0-based column of the label in the CSV files (negative: from the end, -1 = last)")
	fs.BoolVar(&t.csvHeader, "csv-header", false, "both CSV files start with a header line (a first line of numbers is then an error, never a dropped example)")
	fs.BoolVar(&t.trainHeader, "train-csv-header", false, "-train-csv starts with a header line")
	fs.BoolVar(&t.testHeader, "test-csv-header", false, "-test-csv starts with a header line")
	fs.BoolVar(&t.anyLabel, "csv-any-label", false, "accept any finite CSV label as it is (regression targets) instead of requiring +1/-1 or class ids mapped by -pos/-neg")
	fs.IntVar(&t.teacherN0, "teacher-n0", 0, "if positive, use this many Gaussian inputs labelled by a random erf teacher (the source task of a synthetic teacher pair) instead of images")
	fs.Uint64Var(&t.teacherSeed, "teacher-seed", 1, "random seed of the synthetic teacher and its inputs (with -teacher-n0)")
	return t
}

// csv reports whether the task comes from CSV files.
func (t *TaskFlags) csv() bool { return t.trainCSV != "" || t.testCSV != "" }

// task returns the binary task described by the flags.
func (t *TaskFlags) task() data.BinaryTask {
	return data.BinaryTask{Pos: t.pos, Neg: t.neg, P: t.p, PTest: t.ptest, Pool: t.pool}
}

// flagsSet reports which flags of fs were given on the command line (none
// before fs is parsed).
func flagsSet(fs *flag.FlagSet) map[string]bool {
	m := map[string]bool{}
	if fs != nil && fs.Parsed() {
		fs.Visit(func(f *flag.Flag) { m[f.Name] = true })
	}
	return m
}

// load returns the standardized training and test sets: the images
// (built-in MNIST or -idx-dir) through data.BinaryTask, see data.MNISTTask
// for the pipeline, or the CSV files (see loadCSV).
func (t *TaskFlags) Load() (train, test *data.Dataset, err error) {
	set := flagsSet(t.fs)
	if t.teacherN0 != 0 || set["teacher-seed"] {
		return t.loadTeacher(set)
	}
	if t.csv() {
		return t.loadCSV()
	}
	for _, name := range []string{"csv-label", "csv-header", "train-csv-header", "test-csv-header", "csv-any-label"} {
		if set[name] {
			return nil, nil, fmt.Errorf("-%s applies only with -train-csv and -test-csv", name)
		}
	}
	if t.pool <= 0 {
		return nil, nil, fmt.Errorf("-pool %d: must be positive", t.pool)
	}
	if t.ptest <= 0 {
		return nil, nil, fmt.Errorf("-ptest %d: must be positive", t.ptest)
	}
	if set["idx-dir"] && set["dataset"] {
		return nil, nil, fmt.Errorf("-idx-dir and -dataset both name the images: give one")
	}
	trIm, teIm, err := loadImages(t.idxDir, t.dataset)
	if err != nil {
		return nil, nil, err
	}
	return t.task().Standardized(trIm, teIm)
}

// loadTeacher samples the synthetic task of -teacher-n0: the source task
// of data.TeacherTransfer (Gaussian inputs, an erf teacher, no label noise).
func (t *TaskFlags) loadTeacher(set map[string]bool) (train, test *data.Dataset, err error) {
	if t.teacherN0 <= 0 {
		return nil, nil, fmt.Errorf("-teacher-n0 %d: must be positive (-teacher-seed needs it)", t.teacherN0)
	}
	for _, name := range []string{"pos", "neg", "pool", "idx-dir", "dataset", "train-csv", "test-csv", "csv-label", "csv-header", "train-csv-header", "test-csv-header", "csv-any-label"} {
		if set[name] {
			return nil, nil, fmt.Errorf("-%s has no effect with -teacher-n0 (synthetic teacher)", name)
		}
	}
	if t.p <= 0 || t.ptest <= 0 {
		return nil, nil, fmt.Errorf("-p %d and -ptest %d: must be positive", t.p, t.ptest)
	}
	tt := data.TeacherTransfer{N0: t.teacherN0, Act: kernel.Erf, PS: t.p, PT: 1, PTest: t.ptest}
	train, test, _, _, err = tt.Sample(rand.NewPCG(t.teacherSeed, t.teacherSeed))
	return train, test, err
}

// loadCSV reads -train-csv and -test-csv, keeps the first -p and -ptest
// rows when those flags are given (all rows otherwise) and standardizes the
// inputs of both sets with the mean and standard deviation of all training
// inputs, as for images. Labels are used as they are.
func (t *TaskFlags) loadCSV() (train, test *data.Dataset, err error) {
	if t.trainCSV == "" || t.testCSV == "" {
		return nil, nil, fmt.Errorf("-train-csv %q and -test-csv %q: give both files", t.trainCSV, t.testCSV)
	}
	set := flagsSet(t.fs)
	for _, name := range []string{"pool", "idx-dir", "dataset"} {
		if set[name] {
			return nil, nil, fmt.Errorf("-%s applies only to image tasks, not with -train-csv/-test-csv", name)
		}
	}
	s, err := t.csvSettings(set)
	if err != nil {
		return nil, nil, err
	}
	s.Header = t.csvHeader || t.trainHeader
	if train, err = data.ReadCSV(t.trainCSV, s); err != nil {
		return nil, nil, err
	}
	s.Header = t.csvHeader || t.testHeader
	if test, err = data.ReadCSV(t.testCSV, s); err != nil {
		return nil, nil, err
	}
	if train.Dim() != test.Dim() {
		return nil, nil, fmt.Errorf("-train-csv has %d input columns but -test-csv has %d", train.Dim(), test.Dim())
	}
	if set["p"] {
		if train, err = firstRows(train, t.p, "-p", t.trainCSV); err != nil {
			return nil, nil, err
		}
	}
	if set["ptest"] {
		if test, err = firstRows(test, t.ptest, "-ptest", t.testCSV); err != nil {
			return nil, nil, err
		}
	}
	st, err := data.FitStandardizer(train.X)
	if err != nil {
		return nil, nil, fmt.Errorf("-train-csv %s: %w", t.trainCSV, err)
	}
	st.Apply(train)
	st.Apply(test)
	return train, test, nil
}

// csvSettings returns the label settings of the CSV files: class ids
// mapped by -pos/-neg when either is given, any label with -csv-any-label,
// +1/-1 otherwise.
func (t *TaskFlags) csvSettings(set map[string]bool) (*data.CSVSettings, error) {
	s := &data.CSVSettings{LabelColumn: t.csvLabel, AnyLabel: t.anyLabel}
	if set["pos"] || set["neg"] {
		if t.anyLabel {
			return nil, fmt.Errorf("-csv-any-label and -pos/-neg: give one")
		}
		if !set["pos"] || !set["neg"] {
			return nil, fmt.Errorf("with CSV files -pos and -neg map class labels to +1 and -1: give both")
		}
		for _, c := range t.pos {
			s.Pos = append(s.Pos, float64(c))
		}
		for _, c := range t.neg {
			s.Neg = append(s.Neg, float64(c))
		}
	}
	return s, nil
}

// csvLabels describes the CSV label rule for output headers.
func (t *TaskFlags) csvLabels() string {
	set := flagsSet(t.fs)
	switch {
	case set["pos"] || set["neg"]:
		return fmt.Sprintf("classes {%s} -> +1, {%s} -> -1", t.pos.String(), t.neg.String())
	case t.anyLabel:
		return "labels as given"
	}
	return "labels ±1"
}

// firstRows returns the first n examples of d, with an error naming the flag
// when n is not positive or exceeds the rows of the file.
func firstRows(d *data.Dataset, n int, flagName, file string) (*data.Dataset, error) {
	if n <= 0 || n > d.Len() {
		return nil, fmt.Errorf("%s %d: must be between 1 and the %d rows of %s", flagName, n, d.Len(), file)
	}
	x := mat.DenseCopyOf(d.X.Slice(0, n, 0, d.Dim()))
	return &data.Dataset{X: x, Y: append([]float64(nil), d.Y[:n]...)}, nil
}

// String describes the task for output headers.
func (t *TaskFlags) String() string {
	if t.teacherN0 > 0 {
		return fmt.Sprintf("synthetic erf teacher, N0=%d, seed %d, P=%d, Ptest=%d", t.teacherN0, t.teacherSeed, t.p, t.ptest)
	}
	if t.csv() {
		return fmt.Sprintf("CSV train %s, test %s, label column %d (%s)", t.trainCSV, t.testCSV, t.csvLabel, t.csvLabels())
	}
	return fmt.Sprintf("%s {%s} vs {%s}, P=%d, Ptest=%d, pool %d", imagesName(t.idxDir, t.dataset), t.pos.String(), t.neg.String(), t.p, t.ptest, t.pool)
}

// loadImages returns the images of an IDX directory, or else the built-in
// dataset (data.ImagesByName).
func loadImages(dir, dataset string) (train, test *data.Images, err error) {
	if dir == "" {
		return data.ImagesByName(dataset)
	}
	train, test, _, err = data.ReadImageDir(dir)
	return train, test, err
}

// imagesName names the images for output headers.
func imagesName(dir, dataset string) string {
	if dir == "" {
		return data.DatasetTitle(dataset)
	}
	if data.IsCIFAR10Dir(dir) {
		return "CIFAR-10 (gray) " + dir
	}
	return "IDX " + dir
}

// IDXDir is the directory of IDX files given with -idx-dir (empty: the
// built-in -dataset).
func (t *TaskFlags) IDXDir() string { return t.idxDir }

// Images returns the class groups and pooling of an image task; ok is false
// for CSV files and the synthetic teacher, which have none.
func (t *TaskFlags) Images() (pos, neg []int, pool int, ok bool) {
	if t.teacherN0 != 0 || t.csv() {
		return nil, nil, 0, false
	}
	return t.pos, t.neg, t.pool, true
}
