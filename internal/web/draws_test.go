package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"pinggu/internal/sampling"
	"pinggu/internal/store"
)

func TestCeremonyThroughTheWeb(t *testing.T) {
	f := newFixture(t)
	cid := itoa(f.campaigns["published"].ID)
	// The fixture already drew "published-units": the frames are final.
	res, body := f.do("admin", "POST", "/campaigns/"+cid+"/frames/freeze", url.Values{})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "抽样框已定稿") {
		t.Errorf("refreeze after the draw: %d", res.StatusCode)
	}
	res, body = f.do("admin", "POST", "/campaigns/"+cid+"/draws", url.Values{"seed": {"1234 5678 9012 3456 789"}, "label": {"second"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "至少 20 位数字") || !strings.Contains(body, `value="1234567890123456789"`) {
		t.Errorf("19-digit seed: %d", res.StatusCode)
	}
	res, body = f.do("admin", "POST", "/campaigns/"+cid+"/draws", url.Values{"seed": {"99999999998888888888"}, "label": {"published-units"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "不能重抽") {
		t.Errorf("reused label: %d", res.StatusCode)
	}
	// The record page, and its JSON, which verifies against the frames zip.
	_, body = f.do("viewer", "GET", "/campaigns/"+cid+"/draws/"+itoa(f.draw), nil)
	if !strings.Contains(body, "12345678901234567890") || !strings.Contains(body, "321002/township") || !strings.Contains(body, "抽中") {
		t.Error("the record page lacks the seed, a stratum or the selection")
	}
	_, js := f.do("viewer", "GET", "/campaigns/"+cid+"/draws/"+itoa(f.draw)+"?format=json", nil)
	var rec sampling.Record
	if err := json.Unmarshal([]byte(js), &rec); err != nil {
		t.Fatal(err)
	}
	var frames []store.Frame
	f.db.View(ctx, func(tx *store.Tx) (err error) { frames, err = tx.Frames(ctx, f.campaigns["published"].ID); return })
	files := map[string][]byte{}
	for _, fr := range frames {
		files[fr.Stratum] = fr.CSV
	}
	if m := sampling.Verify(&rec, files); m != nil {
		t.Errorf("the downloaded record does not verify: %v", m)
	}
	res, xlsx := f.do("viewer", "GET", "/campaigns/"+cid+"/draws/"+itoa(f.draw)+"?format=xlsx", nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(xlsx, "PK") {
		t.Errorf("xlsx: %d", res.StatusCode)
	}
	res, zip := f.do("liaison", "GET", "/campaigns/"+cid+"/frames.zip", nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(zip, "PK") {
		t.Errorf("frames zip for anyone who may see the campaign: %d", res.StatusCode)
	}
}
