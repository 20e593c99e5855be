// Command porcupine-harness runs Porcupine (github.com/anishathalye/porcupine) on histories that
// musil's benchmarks and parity script write, and prints one JSON line per history: the
// verdict and the time of the check alone (reading and decoding the file are not timed).
//
// It is built by bench/porcupine-harness.ts against a Porcupine checkout named by
// PORCUPINE_DIR (a go.mod `replace` written at build time); no Porcupine code lives here.
//
// Input: one history per file, JSON lines. The first line is a header naming the model,
// {"model":"register"} or {"model":"kv"}; every further line is one operation:
//
//	{"client":0,"call":3,"return":7,"f":"write","value":4}                    register write
//	{"client":1,"call":4,"return":9,"f":"read","out":4}                       read, "out":null = nil
//	{"client":2,"call":5,"return":-1,"f":"cas","from":1,"to":2,"ok":false}    cas; return -1 = unknown
//	{"client":3,"call":1,"return":2,"f":"append","key":"k","value":"x"}       kv put/append
//	{"client":4,"call":2,"return":6,"f":"get","key":"k","out":"xy"}           kv get
//
// An operation with "return":-1 never returned (Jepsen's :info): it may or may not have taken
// effect, so its recorded output is not checked, and it returns after everything else.
//
// Usage: porcupine-harness [-timeout 60s] [-repeat 1] FILE...
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"sort"
	"time"

	"github.com/anishathalye/porcupine"
)

type record struct {
	Model  string `json:"model"`
	Client int    `json:"client"`
	Call   int64  `json:"call"`
	Return int64  `json:"return"`
	F      string `json:"f"`
	Value  any    `json:"value"`
	Out    any    `json:"out"`
	From   int64  `json:"from"`
	To     int64  `json:"to"`
	Ok     bool   `json:"ok"`
	Key    string `json:"key"`
}

// The register's state: an int64, with nilValue for "never written".
const nilValue = int64(-1 << 62)

type regInput struct {
	op       byte // 'r', 'w', 'c'
	from, to int64
}

type regOutput struct {
	value   int64 // read result, nilValue for nil
	ok      bool  // cas result
	unknown bool
}

var registerModel = porcupine.Model{
	Init: func() any { return nilValue },
	Step: func(state, input, output any) (bool, any) {
		st := state.(int64)
		in := input.(regInput)
		out := output.(regOutput)
		switch in.op {
		case 'r':
			return out.unknown || out.value == st, st
		case 'w':
			return true, in.to
		default:
			if st == in.from {
				return out.unknown || out.ok, in.to
			}
			return out.unknown || !out.ok, st
		}
	},
	Hash: func(state any) uint64 { return uint64(state.(int64)) },
}

type kvInput struct {
	op         byte // 'g', 'p', 'a'
	key, value string
}

type kvOutput struct {
	value   string
	unknown bool
}

var kvModel = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		for _, op := range history {
			k := op.Input.(kvInput).key
			byKey[k] = append(byKey[k], op)
		}
		keys := make([]string, 0, len(byKey))
		for k := range byKey {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([][]porcupine.Operation, len(keys))
		for i, k := range keys {
			parts[i] = byKey[k]
		}
		return parts
	},
	Init: func() any { return "" },
	Step: func(state, input, output any) (bool, any) {
		st := state.(string)
		in := input.(kvInput)
		out := output.(kvOutput)
		switch in.op {
		case 'g':
			return out.unknown || out.value == st, st
		case 'p':
			return true, in.value
		default:
			return true, st + in.value
		}
	},
	Hash: func(state any) uint64 {
		h := fnv.New64a()
		h.Write([]byte(state.(string)))
		return h.Sum64()
	},
}

func load(path string) (porcupine.Model, []porcupine.Operation, error) {
	f, err := os.Open(path)
	if err != nil {
		return porcupine.Model{}, nil, err
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 1<<20), 1<<26)
	var model porcupine.Model
	var kind string
	var ops []porcupine.Operation
	var unknownReturn []int
	var last int64
	line := 0
	for scanner.Scan() {
		line++
		var r record
		if err := json.Unmarshal(scanner.Bytes(), &r); err != nil {
			return model, nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		if line == 1 {
			kind = r.Model
			switch kind {
			case "register":
				model = registerModel
			case "kv":
				model = kvModel
			default:
				return model, nil, fmt.Errorf("%s:1: unknown model %q", path, kind)
			}
			continue
		}
		unknown := r.Return < 0
		var in, out any
		switch {
		case kind == "register" && r.F == "read":
			o := regOutput{value: nilValue, unknown: unknown}
			if v, isNumber := r.Out.(float64); isNumber {
				o.value = int64(v)
			}
			in, out = regInput{op: 'r'}, o
		case kind == "register" && r.F == "write":
			v, _ := r.Value.(float64)
			in, out = regInput{op: 'w', to: int64(v)}, regOutput{unknown: unknown}
		case kind == "register" && r.F == "cas":
			in, out = regInput{op: 'c', from: r.From, to: r.To}, regOutput{ok: r.Ok, unknown: unknown}
		case kind == "kv" && (r.F == "get" || r.F == "put" || r.F == "append"):
			v, _ := r.Value.(string)
			o := kvOutput{unknown: unknown}
			o.value, _ = r.Out.(string)
			in, out = kvInput{op: r.F[0], key: r.Key, value: v}, o
		default:
			return model, nil, fmt.Errorf("%s:%d: unknown %s operation %q", path, line, kind, r.F)
		}
		if r.Call > last {
			last = r.Call
		}
		if r.Return > last {
			last = r.Return
		}
		if unknown {
			unknownReturn = append(unknownReturn, len(ops))
		}
		ops = append(ops, porcupine.Operation{ClientId: r.Client, Input: in, Call: r.Call, Output: out, Return: r.Return})
	}
	if err := scanner.Err(); err != nil {
		return model, nil, err
	}
	// An unknown outcome returns after everything that did return.
	for _, i := range unknownReturn {
		ops[i].Return = last + 1
	}
	return model, ops, nil
}

type verdict struct {
	File       string  `json:"file"`
	Operations int     `json:"operations"`
	Result     string  `json:"result"`
	Ms         float64 `json:"ms"`
	Error      string  `json:"error,omitempty"`
}

func main() {
	timeout := flag.Duration("timeout", 0, "budget per check (0: none)")
	repeat := flag.Int("repeat", 1, "check each history this many times and report the fastest")
	flag.Parse()
	enc := json.NewEncoder(os.Stdout)
	for _, path := range flag.Args() {
		model, ops, err := load(path)
		if err != nil {
			_ = enc.Encode(verdict{File: path, Result: "error", Error: err.Error()})
			continue
		}
		best := -1.0
		var result porcupine.CheckResult
		for i := 0; i < *repeat; i++ {
			t0 := time.Now()
			result = porcupine.CheckOperationsTimeout(model, ops, *timeout)
			ms := float64(time.Since(t0).Microseconds()) / 1000
			if best < 0 || ms < best {
				best = ms
			}
		}
		name := map[porcupine.CheckResult]string{porcupine.Ok: "linearizable", porcupine.Illegal: "not-linearizable", porcupine.Unknown: "unknown"}[result]
		_ = enc.Encode(verdict{File: path, Operations: len(ops), Result: name, Ms: best})
	}
}
