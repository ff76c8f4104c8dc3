package data

import "fmt"

// TransferScaling is the rule that standardizes the four sets of a transfer
// problem.
type TransferScaling int

const (
	// SourceScaling standardizes all four sets (source and target, training
	// and test) with the scalars of the source training inputs, so that the
	// source network sees the target inputs on the scale it was trained on.
	// It is the default.
	SourceScaling TransferScaling = iota
	// EachScaling standardizes each task's training and test sets with the
	// scalars of that task's own training inputs.
	EachScaling
)

// String is the rule's name: "source" or "each".
func (s TransferScaling) String() string {
	switch s {
	case SourceScaling:
		return "source"
	case EachScaling:
		return "each"
	}
	return fmt.Sprintf("TransferScaling(%d)", int(s))
}

// TransferScalingByName returns the rule named "source" or "each".
func TransferScalingByName(name string) (TransferScaling, error) {
	switch name {
	case "source":
		return SourceScaling, nil
	case "each":
		return EachScaling, nil
	}
	return 0, fmt.Errorf("data: unknown standardization rule %q (want source or each)", name)
}

// StandardizeTransfer standardizes the four sets of a transfer problem in
// place by the rule s, after checking that they share one input dimension
// (an empty test set, as a task without test examples has, is allowed).
func StandardizeTransfer(s TransferScaling, srcTrain, srcTest, tgtTrain, tgtTest *Dataset) error {
	dim := srcTrain.Dim()
	for _, d := range []struct {
		name string
		set  *Dataset
	}{{"source test", srcTest}, {"target training", tgtTrain}, {"target test", tgtTest}} {
		if d.set != nil && d.set.Len() > 0 && d.set.Dim() != dim {
			return fmt.Errorf("data: %s inputs have dimension %d, the source training inputs %d: transfer needs one input dimension", d.name, d.set.Dim(), dim)
		}
	}
	src, err := FitStandardizer(srcTrain.X)
	if err != nil {
		return fmt.Errorf("source task: %w", err)
	}
	tgt := src
	switch s {
	case SourceScaling:
	case EachScaling:
		if tgt, err = FitStandardizer(tgtTrain.X); err != nil {
			return fmt.Errorf("target task: %w", err)
		}
	default:
		return fmt.Errorf("data: unknown standardization rule %v", s)
	}
	src.Apply(srcTrain)
	src.Apply(srcTest)
	tgt.Apply(tgtTrain)
	tgt.Apply(tgtTest)
	return nil
}
