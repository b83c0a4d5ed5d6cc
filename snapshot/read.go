package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"dataready/audit"
)

// ReportFile is the name of the report a folder holds.
const ReportFile = "report.json"

// VersionError is a report of a schema version this program does not know
// (newer than audit.SchemaVersion, or not a positive version at all).
type VersionError struct {
	File    string
	Version int
	Known   int
}

func (e *VersionError) Error() string {
	if e.Version < 1 {
		return fmt.Sprintf("%s: schema_version %d is not a report version; this audit reads versions 1 to %d", e.File, e.Version, e.Known)
	}
	return fmt.Sprintf("%s: schema_version %d is newer than this audit knows (it reads versions 1 to %d); use a newer audit", e.File, e.Version, e.Known)
}

// ReadError is a report that cannot be read: missing, unreadable, not
// JSON, or not a report.
type ReadError struct {
	File string
	Err  error
}

func (e *ReadError) Error() string { return fmt.Sprintf("read report %s: %v", e.File, e.Err) }

func (e *ReadError) Unwrap() error { return e.Err }

// Resolve returns the report file a path names: the path itself, or
// report.json inside it when it is a folder.
func Resolve(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return path, &ReadError{File: path, Err: err}
	}
	if fi.IsDir() {
		file := filepath.Join(path, ReportFile)
		if _, err := os.Stat(file); err != nil {
			return file, &ReadError{File: file, Err: fmt.Errorf("the folder %s holds no %s", path, ReportFile)}
		}
		return file, nil
	}
	return path, nil
}

// Read reads a report.json, or the report.json of a folder. Reports of
// schema version 1 to audit.SchemaVersion are accepted; a newer or invalid
// version is a *VersionError, anything else that stops the reading a
// *ReadError; both name the file. It returns the file it read.
func Read(path string) (*audit.Report, string, error) {
	file, err := Resolve(path)
	if err != nil {
		return nil, file, err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, file, &ReadError{File: file, Err: err}
	}
	rep, err := Decode(file, data)
	return rep, file, err
}

// Decode parses the bytes of a report.json; file names it in errors.
func Decode(file string, data []byte) (*audit.Report, error) {
	var head struct {
		SchemaVersion *int `json:"schema_version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, &ReadError{File: file, Err: fmt.Errorf("not a JSON object: %w", err)}
	}
	if head.SchemaVersion == nil {
		return nil, &ReadError{File: file, Err: errors.New("no schema_version: not a report.json of audit run")}
	}
	if v := *head.SchemaVersion; v < 1 || v > audit.SchemaVersion {
		return nil, &VersionError{File: file, Version: v, Known: audit.SchemaVersion}
	}
	var rep audit.Report
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&rep); err != nil {
		return nil, &ReadError{File: file, Err: err}
	}
	if rep.Verdict == "" {
		return nil, &ReadError{File: file, Err: errors.New("no verdict: not a report.json of audit run")}
	}
	return &rep, nil
}
