package regplatform

// SingleSourceNotice is a 单一来源公示 pushed with 2.6.2
// (POST /v1/single-source/notices). Expert lists and opinions, the
// application reason, other matters, and the items' technical requirements
// and use are not pushed in this version of the contract; the platform
// refuses them as unknown fields.
type SingleSourceNotice struct {
	SourceID     string       `json:"source_id" label:"校端单一来源项目唯一标识"`
	Revision     int          `json:"revision" label:"推送版本"`
	OrgCode      string       `json:"org_code" label:"采购单位编码"`
	OrgName      string       `json:"org_name" label:"采购单位名称"`
	ProjectCode  string       `json:"project_code" label:"项目编号"`
	ProjectName  string       `json:"project_name" label:"项目名称"`
	CategoryCode string       `json:"category_code" label:"采购品目编码"`
	CategoryName string       `json:"category_name" label:"采购品目名称"`
	BudgetAmount Money        `json:"budget_amount" label:"预算金额(元)"`
	Centralized  bool         `json:"centralized" label:"是否集中采购目录内品目"`
	NoticeTitle  string       `json:"notice_title" label:"公示标题"`
	Content      string       `json:"content" label:"采购项目内容"`
	Supplier     Supplier     `json:"supplier" label:"拟定供应商"`
	Items        []NoticeItem `json:"items" label:"采购内容清单"`
	// PublicityDays is 公示期, in working days, 5 to 30.
	PublicityDays int           `json:"publicity_days" label:"公示期(工作日)"`
	Contact       NoticeContact `json:"contact" label:"采购人联系方式"`
}

// Supplier is the proposed single-source supplier, taken from the supplier
// library.
type Supplier struct {
	Name       string `json:"name" label:"拟定供应商名称"`
	CreditCode string `json:"credit_code" label:"供应商信用代码"`
	Address    string `json:"address" label:"供应商地址"`
}

// NoticeItem is one line of a notice's 采购内容清单.
type NoticeItem struct {
	Name      string   `json:"name" label:"标的名称"`
	Quantity  Quantity `json:"quantity" label:"数量"`
	Unit      string   `json:"unit" label:"单位"`
	UnitPrice Money    `json:"unit_price" label:"单价"`
	// Amount is unit_price × quantity, rounded half-up to 0.01.
	Amount Money `json:"amount" label:"金额"`
}

// NoticeContact is the purchaser's contact shown on the notice.
type NoticeContact struct {
	Name    string `json:"name" label:"联系人"`
	Phone   string `json:"phone" label:"联系电话"`
	Address string `json:"address" label:"联系地址"`
}

// NoticeResult is one record of 2.6.3 单一来源公示结果获取.
type NoticeResult struct {
	SourceID    string `json:"source_id"`
	Revision    int    `json:"revision"`
	Status      Status `json:"status"`
	PublishedAt Time   `json:"published_at"`
	// Deadline is 公示截止时间: 23:59:59 CST of the publicity_days-th working
	// day after publication.
	Deadline  Time   `json:"deadline"`
	NoticeURL string `json:"notice_url"`
	// PlatformID is 监管平台单一来源唯一标识.
	PlatformID string `json:"platform_id"`
	FailReason string `json:"fail_reason"`
}

// NoticeResults is the data of a 2.6.3 answer.
type NoticeResults struct {
	Results  []NoticeResult `json:"results"`
	NotFound []string       `json:"not_found"`
}
