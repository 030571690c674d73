package regplatform

// Intention is a 采购意向公开 announcement pushed with 2.5.1 意向发布
// (POST /v1/intentions). One announcement carries one or more items; a campus
// system that merges several intentions (合并公开意向) sends them as items of
// one Intention, each project once. 组织形式 is not pushed.
type Intention struct {
	SourceID     string          `json:"source_id" label:"校端意向公开唯一标识"`
	Revision     int             `json:"revision" label:"推送版本"`
	OrgCode      string          `json:"org_code" label:"采购单位编码"`
	OrgName      string          `json:"org_name" label:"采购单位名称"`
	Title        string          `json:"title" label:"公告主题"`
	Items        []IntentionItem `json:"items" label:"意向明细"`
	ContactName  string          `json:"contact_name,omitempty" label:"联系人"`
	ContactPhone string          `json:"contact_phone,omitempty" label:"联系电话"`
}

// IntentionItem is one project of an intention announcement.
type IntentionItem struct {
	ItemID       string   `json:"item_id" label:"校端项目追踪号"`
	ProjectName  string   `json:"project_name" label:"项目名称"`
	CategoryCode string   `json:"category_code" label:"采购品目编码"`
	CategoryName string   `json:"category_name" label:"采购品目名称"`
	BudgetAmount Money    `json:"budget_amount" label:"预算金额(元)"`
	PlannedMonth Month    `json:"planned_month" label:"预计采购时间"`
	Quantity     Quantity `json:"quantity" label:"采购数量"`
	Unit         string   `json:"unit" label:"计量单位"`
	Content      string   `json:"content" label:"采购内容"`
	FunctionGoal string   `json:"function_goal" label:"主要功能或目标"`
	Requirements string   `json:"requirements" label:"需满足的需求"`
	Remark       string   `json:"remark,omitempty" label:"备注"`
}

// IntentionResult is one record of 2.5.2 意向发布结果获取, the latest revision the
// platform holds for a source_id.
type IntentionResult struct {
	SourceID    string `json:"source_id"`
	Revision    int    `json:"revision"`
	Status      Status `json:"status"`
	PublishedAt Time   `json:"published_at"`
	PublishURL  string `json:"publish_url"`
	// PlatformID is 监管平台采购意向唯一标识, set once PUBLISHED.
	PlatformID string `json:"platform_id"`
	FailReason string `json:"fail_reason"`
}

// IntentionResults is the data of a 2.5.2 answer.
type IntentionResults struct {
	Results  []IntentionResult `json:"results"`
	NotFound []string          `json:"not_found"`
}
