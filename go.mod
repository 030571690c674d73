module github.com/zcbridge/zcbridge

go 1.26.0

require (
	github.com/emmansun/gmsm v0.15.5
	github.com/shopspring/decimal v1.6.0
)

require golang.org/x/sys v0.49.0 // indirect
