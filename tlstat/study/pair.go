package study

import (
	"fmt"
	"math/rand/v2"

	"github.com/tlstat/tlstat/tlstat/data"
)

// Pair is a source task and a target task living in one input space, each with
// a training and a test set.
type Pair struct {
	// Name labels the pair in results and figures, e.g. "related".
	Name string
	// Description says what the tasks are, e.g. the digit groups.
	Description string
	// SourceTrain, SourceTest, TargetTrain and TargetTest are the data sets.
	SourceTrain, SourceTest, TargetTrain, TargetTest *data.Dataset
	// Kind is the kind of data on the validity map (KindImages,
	// KindGaussian, KindLowDim, KindCSV); empty means KindOf(Description,
	// input dimension).
	Kind string
}

// kind returns the pair's kind of data on the validity map.
func (p *Pair) kind() string {
	if p.Kind != "" {
		return p.Kind
	}
	return KindOf(p.Description, p.SourceTrain.Dim())
}

// Validate checks that all four data sets are valid and share one input
// dimension.
func (p *Pair) Validate() error {
	if p == nil {
		return fmt.Errorf("study: nil pair")
	}
	sets := []struct {
		name string
		d    *data.Dataset
	}{{"source train", p.SourceTrain}, {"source test", p.SourceTest}, {"target train", p.TargetTrain}, {"target test", p.TargetTest}}
	n0 := p.SourceTrain.Dim()
	for _, s := range sets {
		if err := s.d.Validate(); err != nil {
			return fmt.Errorf("study: pair %q, %s set: %w", p.Name, s.name, err)
		}
		if s.d.Dim() != n0 {
			return fmt.Errorf("study: pair %q: %s set has input dimension %d, source training set %d", p.Name, s.name, s.d.Dim(), n0)
		}
	}
	return nil
}

// MNISTPair builds a source/target pair of binary digit-group tasks from the
// offline MNIST data with the pipeline of data.TransferTasks: the first
// examples in file order, labels ±1, pixels/255, pooling, and every set
// standardized with the two scalars of the source training inputs.
func MNISTPair(name string, source, target data.BinaryTask) (*Pair, error) {
	train, test, err := data.MNIST()
	if err != nil {
		return nil, err
	}
	str, ste, ttr, tte, err := data.TransferTasks(source, target, train, test)
	if err != nil {
		return nil, err
	}
	return &Pair{
		Name: name,
		Description: fmt.Sprintf("MNIST source %v vs %v (P_s=%d), target %v vs %v (P_t=%d), pool %d",
			source.Pos, source.Neg, source.P, target.Pos, target.Neg, target.P, max(target.Pool, 1)),
		SourceTrain: str, SourceTest: ste, TargetTrain: ttr, TargetTest: tte, Kind: KindImages,
	}, nil
}

// TeacherPair builds a synthetic pair: Gaussian inputs labelled by a source
// and a target teacher whose weight vectors have overlap rho (see
// data.TeacherTransfer).
func TeacherPair(name string, tt data.TeacherTransfer, src rand.Source) (*Pair, error) {
	str, ste, ttr, tte, err := tt.Sample(src)
	if err != nil {
		return nil, err
	}
	return &Pair{
		Name:        name,
		Description: fmt.Sprintf("synthetic teachers, overlap rho=%g, N0=%d, P_s=%d, P_t=%d", tt.Rho, tt.N0, tt.PS, tt.PT),
		SourceTrain: str, SourceTest: ste, TargetTrain: ttr, TargetTest: tte, Kind: KindOf("synthetic", tt.N0),
	}, nil
}
