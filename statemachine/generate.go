package statemachine

//go:generate go run ./internal/gendiagrams -dir ../docs/diagrams
