package regplatform

// Project is 2.8.1 项目信息: the execution of a filed plan on the platform,
// with its packages (一标多包) and their requirement lines.
type Project struct {
	PlanID            string            `json:"plan_id"`
	ProjectCode       string            `json:"project_code"`
	ProjectName       string            `json:"project_name"`
	BusinessType      BusinessType      `json:"business_type"`
	ProcurementMethod ProcurementMethod `json:"procurement_method"`
	Status            ProjectStatus     `json:"status"`
	// UpdatedAt moves forward whenever anything in the project, its
	// packages, announcements, bids or awards changes.
	UpdatedAt Time             `json:"updated_at"`
	Packages  []ProjectPackage `json:"packages"`
}

// ProjectPackage is one package as the platform executes it. Some packages
// of a plan may be abandoned while others are awarded; that is a normal
// outcome.
type ProjectPackage struct {
	PackageNo    string        `json:"package_no"`
	Name         string        `json:"name"`
	BudgetAmount Money         `json:"budget_amount"`
	Status       PackageStatus `json:"status"`
	// StatusReason is set for ABANDONED and FAILED packages.
	StatusReason string        `json:"status_reason"`
	ClosedAt     Time          `json:"closed_at"`
	Items        []ProjectItem `json:"items"`
}

// ProjectItem is a requirement line of a package, matched to the filed plan
// by LineNo.
type ProjectItem struct {
	LineNo       int      `json:"line_no"`
	Name         string   `json:"name"`
	CategoryCode string   `json:"category_code"`
	Quantity     Quantity `json:"quantity"`
	Unit         string   `json:"unit"`
	UnitPrice    Money    `json:"unit_price"`
	Amount       Money    `json:"amount"`
	Spec         string   `json:"spec"`
}

// Announcement is one entry of 2.8.2 公告信息.
type Announcement struct {
	AnnouncementID string           `json:"announcement_id"`
	Type           AnnouncementType `json:"type"`
	Title          string           `json:"title"`
	PackageNos     []string         `json:"package_nos"`
	PublishedAt    Time             `json:"published_at"`
	URL            string           `json:"url"`
}

// Bid is one entry of 2.8.3 投标信息; the mall (MALL) has none.
type Bid struct {
	BidID        string `json:"bid_id"`
	PackageNo    string `json:"package_no"`
	SupplierName string `json:"supplier_name"`
	CreditCode   string `json:"credit_code"`
	BidAmount    Money  `json:"bid_amount"`
	BidAt        Time   `json:"bid_at"`
	Valid        bool   `json:"valid"`
}

// Award is one entry of 2.8.4 成交信息. Only AWARDED packages have awards; in
// the mall (MALL) each award is an order with OrderNo.
type Award struct {
	AwardID      string `json:"award_id"`
	PackageNo    string `json:"package_no"`
	SupplierName string `json:"supplier_name"`
	CreditCode   string `json:"credit_code"`
	AwardAmount  Money  `json:"award_amount"`
	AwardedAt    Time   `json:"awarded_at"`
	NoticeURL    string `json:"notice_url"`
	OrderNo      string `json:"order_no,omitempty"`
}

// Page is one page of a 2.8.2–2.8.4 list. A page past the end has an empty
// List and the true Total.
type Page[T any] struct {
	Total    int `json:"total"`
	PageNo   int `json:"page_no"`
	PageSize int `json:"page_size"`
	List     []T `json:"list"`
}
