package regplatform

// PlanFiling is a 政府采购计划 filed with 2.7.1 计划备案推送 (POST /v1/plans).
// Its budget equals the sum of its packages' budgets and the sum of its funds.
type PlanFiling struct {
	SourceID          string            `json:"source_id" label:"校端追踪号"`
	Revision          int               `json:"revision" label:"推送版本"`
	OrgCode           string            `json:"org_code" label:"采购单位编码"`
	OrgName           string            `json:"org_name" label:"采购单位名称"`
	ProjectCode       string            `json:"project_code" label:"项目编号"`
	ProjectName       string            `json:"project_name" label:"项目名称"`
	ProcurementMethod ProcurementMethod `json:"procurement_method" label:"采购方式"`
	OrganizationForm  OrganizationForm  `json:"organization_form" label:"组织形式"`
	Entrusted         bool              `json:"entrusted" label:"是否委托代理机构"`
	// Agency is required when Entrusted and refused otherwise.
	Agency       *Agency `json:"agency,omitempty" label:"代理机构"`
	Handler      string  `json:"handler" label:"经办人"`
	BudgetAmount Money   `json:"budget_amount" label:"预算总额"`
	Centralized  bool    `json:"centralized" label:"是否含集中采购目录内品目"`

	// IntentionPlatformID is the platform id of the matching intention.
	IntentionPlatformID string `json:"intention_platform_id,omitempty" label:"对应采购意向的监管平台唯一标识"`

	Funds    []Fund        `json:"funds" label:"经费"`
	Packages []PlanPackage `json:"packages" label:"分包"`
}

// Agency is the procurement agency (代理机构) of an entrusted plan.
type Agency struct {
	Name       string `json:"name" label:"代理机构名称"`
	CreditCode string `json:"credit_code" label:"代理机构信用代码"`
}

// Fund is one source of money (经费) of a plan.
type Fund struct {
	Name    string `json:"name" label:"经费名称"`
	Account string `json:"account" label:"经费账号"`
	Amount  Money  `json:"amount" label:"经费金额"`
}

// PlanPackage is one package (分包) of a plan; one plan may hold several
// (一标多包).
type PlanPackage struct {
	PackageNo    string     `json:"package_no" label:"包号"`
	Name         string     `json:"name" label:"包名称"`
	BudgetAmount Money      `json:"budget_amount" label:"包预算"`
	Items        []PlanItem `json:"items" label:"采购明细"`
}

// PlanItem is one requirement line of a package. Results refer to it by
// LineNo.
type PlanItem struct {
	LineNo       int      `json:"line_no" label:"明细行号"`
	Name         string   `json:"name" label:"物资名称"`
	CategoryCode string   `json:"category_code" label:"品目编码"`
	CategoryName string   `json:"category_name" label:"品目名称"`
	BrandModel   string   `json:"brand_model,omitempty" label:"品牌/型号"`
	UnitPrice    Money    `json:"unit_price" label:"预算单价"`
	Quantity     Quantity `json:"quantity" label:"数量"`
	Unit         string   `json:"unit" label:"单位"`
	// Amount is unit_price × quantity, rounded half-up to 0.01.
	Amount Money `json:"amount" label:"小计"`
}

// PlanResult is one record of 2.7.2 计划备案结果获取.
type PlanResult struct {
	SourceID string `json:"source_id"`
	Revision int    `json:"revision"`
	Status   Status `json:"status"`
	// PlanNo is 计划备案编号.
	PlanNo  string `json:"plan_no"`
	FiledAt Time   `json:"filed_at"`
	// PlanID is 监管平台计划唯一标识, the key for reading results (2.8.x).
	PlanID     string `json:"plan_id" label:"监管平台计划唯一标识"`
	FailReason string `json:"fail_reason"`
}

// PlanResults is the data of a 2.7.2 answer.
type PlanResults struct {
	Results  []PlanResult `json:"results"`
	NotFound []string     `json:"not_found"`
}
