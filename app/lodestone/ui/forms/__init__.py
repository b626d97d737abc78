"""The record forms shown beside each list: company, deal, event and source.

`base.RecordForm` holds what every form shares (dirtiness, save, revert, inline errors) and
`base.confirm_leave` the Save / Discard / Cancel question; `fields` holds the field widgets;
`citations` the Sources panel that `cited_form.CitedRecordForm` puts under the company, deal
and event forms.
"""
