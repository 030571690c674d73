// Command gendiagrams writes the flows' state diagrams into a directory,
// docs/diagrams when run by go generate in the statemachine package.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/zcbridge/zcbridge/statemachine/internal/diagram"
)

func main() {
	dir := flag.String("dir", "../docs/diagrams", "directory to write the diagram files into")
	flag.Parse()

	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "gendiagrams:", err)
		os.Exit(1)
	}
	for _, f := range diagram.Files() {
		path := filepath.Join(*dir, f.Name)
		if err := os.WriteFile(path, []byte(f.Content), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gendiagrams:", err)
			os.Exit(1)
		}
	}
}
