package study

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// TransferTaskFlags are the flags selecting a source and a target task,
// each independently class groups of images (a built-in dataset or an IDX
// directory) or a pair of CSV files, or (with -teacher-overlap) a pair of
// synthetic Gaussian teachers.
type TransferTaskFlags struct {
	fs                     *flag.FlagSet
	srcPos, srcNeg         classList
	tgtPos, tgtNeg         classList
	ps, pt, ptest          int
	pool                   int
	idxDir                 string
	srcData, tgtData       string
	srcCSV, tgtCSV         [2]string // training and test files
	csvLabel               int
	csvHeader, anyLabel    bool
	scaling                string
	sizes                  [4]int // Ps, Pt and the two test sizes once loaded (CSV files set their own)
	rho                    float64
	n0                     int
	seed                   uint64
	teacherAct             string
	teacherNoise           float64
	imageOnly, teacherOnly []string
}

// AddTransferTaskFlags registers the transfer task flags on fs.
func AddTransferTaskFlags(fs *flag.FlagSet) *TransferTaskFlags {
	t := &TransferTaskFlags{fs: fs,
		srcPos: mustClasses("0,2,4,6"), srcNeg: mustClasses("1,3,5,7"),
		tgtPos: mustClasses("0,2,4,8"), tgtNeg: mustClasses("1,3,5,9")}
	fs.Var(&t.srcPos, "source-pos", "comma-separated classes labelled +1 in the source task")
	fs.Var(&t.srcNeg, "source-neg", "comma-separated classes labelled -1 in the source task")
	fs.Var(&t.tgtPos, "target-pos", "comma-separated classes labelled +1 in the target task")
	fs.Var(&t.tgtNeg, "target-neg", "comma-separated classes labelled -1 in the target task")
	fs.IntVar(&t.ps, "ps", 400, "number of source training examples")
	fs.IntVar(&t.pt, "pt", 100, "number of target training examples")
	fs.IntVar(&t.ptest, "ptest", 1000, "number of test examples of each task")
	fs.IntVar(&t.pool, "pool", 2, "side of the average-pooling blocks (must divide the image side; 1 = none)")
	fs.StringVar(&t.idxDir, "idx-dir", "", "directory with IDX files (MNIST/EMNIST/Fashion-MNIST names) or the CIFAR-10 binary batches (read in gray) for both tasks; empty = the built-in datasets of -source-dataset and -target-dataset")
	fs.StringVar(&t.srcData, "source-dataset", "mnist", "built-in images of the source task: mnist or fashion (Fashion-MNIST, Debian's dataset-fashion-mnist)")
	fs.StringVar(&t.tgtData, "target-dataset", "mnist", "built-in images of the target task: mnist or fashion; a dataset other than the source's gives a cross-dataset pair")
	fs.StringVar(&t.srcCSV[0], "source-train-csv", "", "read the source training set from this CSV file (label column -csv-label, the inputs in the others) instead of images; needs -source-test-csv")
	fs.StringVar(&t.srcCSV[1], "source-test-csv", "", "the source test set as CSV (same columns)")
	fs.StringVar(&t.tgtCSV[0], "target-train-csv", "", "read the target training set from this CSV file instead of images; needs -target-test-csv")
	fs.StringVar(&t.tgtCSV[1], "target-test-csv", "", "the target test set as CSV (same columns)")
	fs.IntVar(&t.csvLabel, "csv-label", 0, "0-based column of the label in the CSV files (negative: from the end)")
	fs.BoolVar(&t.csvHeader, "csv-header", false, "the CSV files start with a header line (a first line of numbers is then an error)")
	fs.BoolVar(&t.anyLabel, "csv-any-label", false, "accept any finite CSV label instead of +1/-1 or class ids mapped by -source-pos/-neg, -target-pos/-neg")
	fs.StringVar(&t.scaling, "standardize", "source", "standardization of the inputs: source (all four sets with the source training scalars) or each (each task with its own)")
	fs.Float64Var(&t.rho, "teacher-overlap", math.NaN(),
		"if set, use synthetic Gaussian inputs and a source/target teacher pair with this overlap rho in [-1,1] instead of images")
	fs.IntVar(&t.n0, "n0", 200, "input dimension of the synthetic teachers (with -teacher-overlap)")
	fs.Uint64Var(&t.seed, "seed", 1, "random seed of the synthetic teachers and inputs (with -teacher-overlap)")
	fs.StringVar(&t.teacherAct, "teacher-act", "erf", "activation of the synthetic teachers: "+strings.Join(kernel.Names, ", "))
	fs.Float64Var(&t.teacherNoise, "teacher-noise", 0, "standard deviation of Gaussian label noise of the synthetic teachers")
	t.imageOnly = []string{"source-pos", "source-neg", "target-pos", "target-neg", "pool", "idx-dir", "source-dataset", "target-dataset",
		"source-train-csv", "source-test-csv", "target-train-csv", "target-test-csv", "csv-label", "csv-header", "csv-any-label", "standardize"}
	t.teacherOnly = []string{"n0", "seed", "teacher-act", "teacher-noise"}
	return t
}

// synthetic reports whether -teacher-overlap selects synthetic teachers.
func (t *TransferTaskFlags) synthetic() bool { return !math.IsNaN(t.rho) }

// load returns the source and target training and test sets, each task
// from its images or its CSV files (see side), standardized by the
// -standardize rule (data.StandardizeTransfer; with the source training
// scalars by default). With -teacher-overlap the sets are drawn from
// data.TeacherTransfer with rand.NewPCG(seed, seed).
func (t *TransferTaskFlags) Load() (srcTrain, srcTest, tgtTrain, tgtTest *data.Dataset, err error) {
	if err := t.checkFlagMix(); err != nil {
		return nil, nil, nil, nil, err
	}
	for _, c := range []struct {
		name string
		v    int
	}{{"-ps", t.ps}, {"-pt", t.pt}, {"-ptest", t.ptest}} {
		if c.v <= 0 {
			return nil, nil, nil, nil, fmt.Errorf("%s %d: must be positive", c.name, c.v)
		}
	}
	if t.synthetic() {
		if t.rho < -1 || t.rho > 1 || math.IsInf(t.rho, 0) {
			return nil, nil, nil, nil, fmt.Errorf("-teacher-overlap %v: must lie in [-1, 1]", t.rho)
		}
		if t.n0 <= 0 {
			return nil, nil, nil, nil, fmt.Errorf("-n0 %d: must be positive", t.n0)
		}
		act, err := kernel.ByName(t.teacherAct)
		if err != nil {
			return nil, nil, nil, nil, fmt.Errorf("-teacher-act: %w", err)
		}
		if math.IsNaN(t.teacherNoise) || math.IsInf(t.teacherNoise, 0) || t.teacherNoise < 0 {
			return nil, nil, nil, nil, fmt.Errorf("-teacher-noise %v: must be finite and non-negative", t.teacherNoise)
		}
		tt := data.TeacherTransfer{N0: t.n0, Rho: t.rho, Act: act, Noise: t.teacherNoise, PS: t.ps, PT: t.pt, PTest: t.ptest}
		return tt.Sample(rand.NewPCG(t.seed, t.seed))
	}
	set := flagsSet(t.fs)
	scaling, err := data.TransferScalingByName(t.scaling)
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("-standardize: %w", err)
	}
	srcIm, tgtIm := !t.isCSV(t.srcCSV), !t.isCSV(t.tgtCSV)
	if !srcIm && !tgtIm {
		for _, n := range []string{"pool", "idx-dir", "source-dataset", "target-dataset"} {
			if set[n] {
				return nil, nil, nil, nil, fmt.Errorf("-%s applies only to image tasks, and both tasks come from CSV files", n)
			}
		}
	}
	if !t.csvUsed() {
		for _, n := range []string{"csv-label", "csv-header", "csv-any-label"} {
			if set[n] {
				return nil, nil, nil, nil, fmt.Errorf("-%s applies only with CSV files", n)
			}
		}
	}
	if (srcIm || tgtIm) && t.pool <= 0 {
		return nil, nil, nil, nil, fmt.Errorf("-pool %d: must be positive", t.pool)
	}
	if t.idxDir != "" && (set["source-dataset"] || set["target-dataset"]) {
		return nil, nil, nil, nil, fmt.Errorf("-idx-dir names the images of both tasks: drop -source-dataset/-target-dataset")
	}
	if srcTrain, srcTest, err = t.side("source", t.srcCSV, t.srcData, t.srcPos, t.srcNeg, t.ps, "ps", set); err != nil {
		return nil, nil, nil, nil, err
	}
	if tgtTrain, tgtTest, err = t.side("target", t.tgtCSV, t.tgtData, t.tgtPos, t.tgtNeg, t.pt, "pt", set); err != nil {
		return nil, nil, nil, nil, err
	}
	if err := data.StandardizeTransfer(scaling, srcTrain, srcTest, tgtTrain, tgtTest); err != nil {
		return nil, nil, nil, nil, err
	}
	t.sizes = [4]int{srcTrain.Len(), tgtTrain.Len(), srcTest.Len(), tgtTest.Len()}
	return srcTrain, srcTest, tgtTrain, tgtTest, nil
}

// isCSV reports whether a task's CSV files are given.
func (t *TransferTaskFlags) isCSV(files [2]string) bool { return files[0] != "" || files[1] != "" }

// csvUsed reports whether either task comes from CSV files.
func (t *TransferTaskFlags) csvUsed() bool { return t.isCSV(t.srcCSV) || t.isCSV(t.tgtCSV) }

// side returns the unstandardized training and test sets of one task (role
// "source" or "target"): the class groups of its images, or its CSV files
// (their first rows when the role's count flag pFlag or -ptest was given;
// class ids mapped to ±1 by the role's -pos/-neg flags when given).
func (t *TransferTaskFlags) side(role string, files [2]string, dataset string, pos, neg classList, p int, pFlag string, set map[string]bool) (train, test *data.Dataset, err error) {
	if !t.isCSV(files) {
		trIm, teIm, err := loadImages(t.idxDir, dataset)
		if err != nil {
			return nil, nil, fmt.Errorf("%s images: %w", role, err)
		}
		task := data.BinaryTask{Pos: pos, Neg: neg, P: p, PTest: t.ptest, Pool: t.pool}
		if train, test, err = task.Select(trIm, teIm); err != nil {
			return nil, nil, fmt.Errorf("%s task: %w", role, err)
		}
		return train, test, nil
	}
	if files[0] == "" || files[1] == "" {
		return nil, nil, fmt.Errorf("-%s-train-csv %q and -%s-test-csv %q: give both files", role, files[0], role, files[1])
	}
	if set[role+"-dataset"] {
		return nil, nil, fmt.Errorf("-%s-dataset and -%s-train-csv both name the %s data: give one", role, role, role)
	}
	s := &data.CSVSettings{LabelColumn: t.csvLabel, Header: t.csvHeader, AnyLabel: t.anyLabel}
	if set[role+"-pos"] || set[role+"-neg"] {
		if t.anyLabel || !set[role+"-pos"] || !set[role+"-neg"] {
			return nil, nil, fmt.Errorf("with CSV files -%s-pos and -%s-neg map class labels to +1 and -1: give both (and not -csv-any-label)", role, role)
		}
		for _, c := range pos {
			s.Pos = append(s.Pos, float64(c))
		}
		for _, c := range neg {
			s.Neg = append(s.Neg, float64(c))
		}
	}
	if train, err = data.ReadCSV(files[0], s); err != nil {
		return nil, nil, err
	}
	if test, err = data.ReadCSV(files[1], s); err != nil {
		return nil, nil, err
	}
	if set[pFlag] {
		if train, err = firstRows(train, p, "-"+pFlag, files[0]); err != nil {
			return nil, nil, err
		}
	}
	if set["ptest"] {
		if test, err = firstRows(test, t.ptest, "-ptest", files[1]); err != nil {
			return nil, nil, err
		}
	}
	return train, test, nil
}

// cross reports whether source and target come from different built-in
// datasets.
func (t *TransferTaskFlags) cross() bool {
	return t.idxDir == "" && data.DatasetTitle(t.srcData) != data.DatasetTitle(t.tgtData)
}

// checkFlagMix rejects flags that have no effect in the selected mode.
func (t *TransferTaskFlags) checkFlagMix() error {
	set := flagsSet(t.fs)
	bad, mode := t.teacherOnly, "without -teacher-overlap"
	if t.synthetic() {
		bad, mode = t.imageOnly, "with -teacher-overlap (synthetic teachers)"
	}
	for _, n := range bad {
		if set[n] {
			return fmt.Errorf("-%s has no effect %s", n, mode)
		}
	}
	return nil
}

// String describes the transfer problem for output headers: each task's
// data, the sizes, and the standardization rule when CSV files or the
// non-default rule are used.
func (t *TransferTaskFlags) String() string {
	if t.synthetic() {
		return fmt.Sprintf("synthetic %s teachers, rho=%g, N0=%d, noise %g, seed %d, Ps=%d, Pt=%d, Ptest=%d",
			t.teacherAct, t.rho, t.n0, t.teacherNoise, t.seed, t.ps, t.pt, t.ptest)
	}
	if !t.csvUsed() && t.scaling == "source" {
		if t.cross() {
			return fmt.Sprintf("%s source {%s} vs {%s}, %s target {%s} vs {%s}, Ps=%d, Pt=%d, Ptest=%d, pool %d",
				data.DatasetTitle(t.srcData), t.srcPos.String(), t.srcNeg.String(), data.DatasetTitle(t.tgtData), t.tgtPos.String(), t.tgtNeg.String(),
				t.ps, t.pt, t.ptest, t.pool)
		}
		return fmt.Sprintf("%s source {%s} vs {%s}, target {%s} vs {%s}, Ps=%d, Pt=%d, Ptest=%d, pool %d",
			imagesName(t.idxDir, t.srcData), t.srcPos.String(), t.srcNeg.String(), t.tgtPos.String(), t.tgtNeg.String(),
			t.ps, t.pt, t.ptest, t.pool)
	}
	side := func(role string, files [2]string, dataset string, pos, neg classList) string {
		if t.isCSV(files) {
			return fmt.Sprintf("CSV %s train %s, test %s", role, files[0], files[1])
		}
		return fmt.Sprintf("%s %s {%s} vs {%s}", imagesName(t.idxDir, dataset), role, pos.String(), neg.String())
	}
	sizes := fmt.Sprintf(", Ps=%d, Pt=%d, Ptest=%d", t.ps, t.pt, t.ptest)
	if z := t.sizes; z[0] > 0 {
		sizes = fmt.Sprintf(", Ps=%d, Pt=%d, Ptest=%d", z[0], z[1], z[3])
		if z[2] != z[3] {
			sizes = fmt.Sprintf(", Ps=%d, Pt=%d, Ptest=%d (source), %d (target)", z[0], z[1], z[2], z[3])
		}
	}
	s := side("source", t.srcCSV, t.srcData, t.srcPos, t.srcNeg) + ", " + side("target", t.tgtCSV, t.tgtData, t.tgtPos, t.tgtNeg) + sizes
	if !t.isCSV(t.srcCSV) || !t.isCSV(t.tgtCSV) {
		s += fmt.Sprintf(", pool %d", t.pool)
	}
	if t.csvUsed() {
		s += fmt.Sprintf(", CSV label column %d", t.csvLabel)
	}
	if t.scaling == "each" {
		return s + ", each task standardized with its own training scalars"
	}
	return s + ", standardized with the source training scalars"
}

// Synthetic reports whether -teacher-overlap selects synthetic teachers.
func (t *TransferTaskFlags) Synthetic() bool { return t.synthetic() }

// Kind is the kind of data of the pair on the validity map: KindCSV when
// either task comes from CSV files, the synthetic kind of the teachers'
// input dimension, KindImages otherwise.
func (t *TransferTaskFlags) Kind() string {
	switch {
	case t.synthetic():
		return KindOf("synthetic", t.n0)
	case t.csvUsed():
		return KindCSV
	}
	return KindImages
}

// LoadTargetPool loads the tasks again with a larger target training set,
// the first max(P_t, sizes...) target examples in file order (whose first
// P_t are the target training set), and returns that target training set.
func (t *TransferTaskFlags) LoadTargetPool(sizes []int) (*data.Dataset, error) {
	big := *t
	big.fs = nil
	for _, p := range sizes {
		big.pt = max(big.pt, p)
	}
	_, _, pool, _, err := big.Load()
	if err != nil {
		return nil, fmt.Errorf("target pool of %d images: %w", big.pt, err)
	}
	return pool, nil
}
