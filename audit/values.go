package audit

import (
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Values reads the cells of one Arrow column as strings, whatever its type,
// so that a value compares equal across a CSV file (always strings) and a
// Parquet file (typed): integers in decimal, floats in the shortest form
// that round-trips (12.5, not 12.50), booleans as true/false, timestamps as
// RFC 3339 in UTC, dates as 2006-01-02.
type Values struct {
	arr arrow.Array
	str *array.String
}

// ValuesOf wraps an Arrow column.
func ValuesOf(arr arrow.Array) Values {
	v := Values{arr: arr}
	if s, ok := arr.(*array.String); ok {
		v.str = s
	}
	return v
}

// Get returns the i-th value and whether it is non-null. For string
// columns the returned string shares the batch's memory: copy it
// (strings.Clone) before keeping it past Add.
func (v Values) Get(i int) (string, bool) {
	if v.arr.IsNull(i) {
		return "", false
	}
	if v.str != nil {
		return v.str.Value(i), true
	}
	switch a := v.arr.(type) {
	case *array.LargeString:
		return a.Value(i), true
	case *array.Binary:
		return string(a.Value(i)), true
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10), true
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10), true
	case *array.Uint64:
		return strconv.FormatUint(a.Value(i), 10), true
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64), true
	case *array.Float32:
		return strconv.FormatFloat(float64(a.Value(i)), 'g', -1, 32), true
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i)), true
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit).UTC().Format(time.RFC3339Nano), true
	case *array.Date32:
		return a.Value(i).ToTime().Format(time.DateOnly), true
	}
	return v.arr.ValueStr(i), true
}
