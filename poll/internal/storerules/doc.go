// Package storerules holds the rules that the stores of package poll share:
// when a key may be claimed, which write fits which state, how a refused
// write is explained, and the defaults of an enqueued delivery. The stores that load
// an entry, change it in Go and save it back (memstore, sqlitestore) apply
// these rules directly; the stores that change an entry in one SQL
// statement or Lua script (pgstore, mysqlstore, redisstore) state the same
// rules there and use this package to explain a refusal and to name keys.
//
// Known limits: the functions here are not atomic by themselves. A store
// must run a load, a rule and the save as one step (a mutex, a transaction
// holding the write lock); the conformance suite in poll/storetest checks
// that every store does.
package storerules
