package fsloss

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Checkpoint formats: a JSON document with the configuration, the ring
// buffer and the fitted model (the statistics are recounted on restore).
const (
	checkpointFormat           = "squid-fsloss"
	multiclassCheckpointFormat = "squid-fsloss-multiclass"
	checkpointVersion          = 1
)

type checkpoint struct {
	Format  string          `json:"format"`
	Version int             `json:"version"`
	Config  json.RawMessage `json:"config"`
	Size    int             `json:"size"`
	Index   int             `json:"index"`
	Buffer  []int8          `json:"buffer"`
	Model   json.RawMessage `json:"model,omitempty"`
}

// marshalCheckpoint encodes a loss's state; save writes the fitted model
// (nil before the first fit).
func marshalCheckpoint(format string, cfg any, r *ring, save func(io.Writer) error) ([]byte, error) {
	c := checkpoint{Format: format, Version: checkpointVersion, Size: r.size, Index: r.index, Buffer: r.buf}
	var err error
	if c.Config, err = json.Marshal(cfg); err != nil {
		return nil, err
	}
	if save != nil {
		var b bytes.Buffer
		if err := save(&b); err != nil {
			return nil, err
		}
		c.Model = b.Bytes()
	}
	return json.Marshal(c)
}

// readCheckpoint decodes a checkpoint of the given format and its
// configuration into cfg.
func readCheckpoint(data []byte, format string, cfg any) (checkpoint, error) {
	var c checkpoint
	if err := json.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("fsloss: reading checkpoint: %w", err)
	}
	if c.Format != format {
		return c, fmt.Errorf("fsloss: not a %s checkpoint (format %q)", format, c.Format)
	}
	if c.Version != checkpointVersion {
		return c, fmt.Errorf("fsloss: checkpoint version %d is not supported (this build reads %d)", c.Version, checkpointVersion)
	}
	if err := json.Unmarshal(c.Config, cfg); err != nil {
		return c, fmt.Errorf("fsloss: corrupted checkpoint configuration: %w", err)
	}
	return c, nil
}

// checkBuffer checks, before anything is sized from the configuration,
// that the checkpoint's buffer holds capacity rows of m votes (after the
// defaults): a checkpoint of a few bytes declaring a buffer of 10^12 rows
// must not allocate it.
func (c checkpoint) checkBuffer(m, capacity, updateFrequency int) error {
	if err := bufferDefaults(&capacity, &updateFrequency); err != nil {
		return err
	}
	if m <= 0 || capacity > len(c.Buffer)/m || len(c.Buffer) != m*capacity {
		return fmt.Errorf("fsloss: corrupted checkpoint: a buffer of %d votes for capacity %d and m = %d", len(c.Buffer), capacity, m)
	}
	return nil
}

// restore puts a checkpoint's buffer and position into a fresh ring of the
// same configuration.
func (r *ring) restore(c checkpoint) error {
	if len(c.Buffer) != len(r.buf) || c.Size < 0 || c.Size > r.capacity || c.Index < 0 || c.Index >= r.capacity ||
		(c.Size < r.capacity && c.Index != c.Size%r.capacity) {
		return errors.New("fsloss: corrupted checkpoint: buffer, size and index disagree")
	}
	copy(r.buf, c.Buffer)
	r.size, r.index = c.Size, c.Index
	return nil
}
