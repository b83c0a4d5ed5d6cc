package pipeline

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestJobConfigFromLauncher checks that a worker makes the launcher's
// config from the job alone: the --config file is not on its machine.
func TestJobConfigFromLauncher(t *testing.T) {
	launcher := t.TempDir()
	yaml := "train: [train.csv]\nholdout: [gs://bucket/holdout.parquet]\nlabel: label\nsegments: [region]\n"
	config := filepath.Join(launcher, "conf", "audit.yaml")
	if err := os.MkdirAll(filepath.Dir(config), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--config", "conf/audit.yaml", "--text", "body", "--out", "report"}
	local := Job{Args: args, Dir: launcher}
	want, err := local.Config()
	if err != nil {
		t.Fatal(err)
	}
	if want.Dir != filepath.Join(launcher, "conf") || want.Text != "body" || want.Out != filepath.Join(launcher, "report") {
		t.Fatalf("from the file: dir %s, text %q, out %s", want.Dir, want.Text, want.Out)
	}

	if err := os.Remove(config); err != nil {
		t.Fatal(err)
	}
	if _, err := local.Config(); err == nil {
		t.Fatal("the config file is gone, yet a job without its content made a config")
	}
	shipped := Job{Args: args, Dir: launcher, ConfigYAML: []byte(yaml)}
	got, err := shipped.Config()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("from the job: %+v\nfrom the file: %+v", got, want)
	}
}
