package regplatform

import "encoding/json"

// Envelope is the platform's answer to every request (§3): code "0000" with
// data on success, another code with a message (and sometimes details in
// data) on error.
type Envelope struct {
	Code      string          `json:"code"`
	Message   string          `json:"message"`
	RequestID string          `json:"request_id"`
	Data      json.RawMessage `json:"data,omitempty"`
}

// Error codes of §3.
const (
	CodeOK            = "0000" // 成功
	CodeInvalidParams = "1001" // 参数校验失败; data.errors lists the fields
	CodeMalformedBody = "1002" // 请求体格式错误
	CodeBadSignature  = "2001" // 签名无效
	CodeClockSkew     = "2002" // 时间戳超出有效期
	CodeNonceReplay   = "2003" // Nonce 重复
	CodeBadAppKey     = "2004" // AppKey 无效或已停用
	CodeForbidden     = "2005" // 无权访问该数据
	CodeBodyMismatch  = "3001" // 重复推送且内容不一致
	CodeStateConflict = "3002" // 业务状态不允许该操作
	CodeNotFound      = "3003" // 记录不存在
	CodeRateLimited   = "4290" // 请求过于频繁
	CodeInternal      = "5000" // 平台内部错误
	CodeMaintenance   = "5030" // 平台维护中
)

// ValidationDetails is the data of a 1001 answer.
type ValidationDetails struct {
	Errors []WireFieldError `json:"errors"`
}

// WireFieldError is one entry of data.errors in a 1001 answer.
type WireFieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ResultQuery is the query of the 2.5.2, 2.6.3 and 2.7.2 result reads.
type ResultQuery struct {
	// SourceIDs holds 1 to 50 source_ids, sent comma-joined.
	SourceIDs []string `url:"source_ids,comma" label:"校端唯一标识"`
}

// ListOptions pages the 2.8.2–2.8.4 lists. Zero values take the platform's
// defaults (page 1, 20 entries).
type ListOptions struct {
	PageNo   int `url:"page_no,omitempty" label:"页码"`
	PageSize int `url:"page_size,omitempty" label:"每页条数"`
}

// BidListOptions pages 2.8.3 and may restrict it to one package.
type BidListOptions struct {
	PackageNo string `url:"package_no,omitempty"`
	ListOptions
}
