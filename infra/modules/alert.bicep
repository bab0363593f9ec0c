// Log alert: fires when a handler writes a BLOCKED_PRIVILEGED audit event (someone asked for a
// pass for a protected account) or an OUT_OF_BAND one (a pass was created outside EphemGate,
// SPEC 7.7).
//
// Every audit event is also written as one structured log line (SPEC 7.4). The custom
// handler's standard output reaches Application Insights through the Functions host as a
// `traces` row whose `message` is that line. The rule counts lines that carry the audit action
// key and one of the alerted actions, so the alert keys on the log line, not on a separate
// metric. host.json keeps traces out of adaptive sampling, so no such line is dropped.

@description('Azure region of the rule.')
param location string

@description('Alert rule name.')
param ruleName string

@description('Resource id of the Application Insights component the handlers log to.')
param appInsightsId string

@description('Key of the audit action in the structured log line (the handlers log it as `audit.action=<ACTION>`).')
param auditActionKey string

@description('E-mail addresses notified by the action group. Empty: the rule fires without notification (visible in Azure Monitor).')
param alertEmailAddresses array

@description('Tags for every resource.')
param tags object

var auditAlertQuery = 'traces\n| where message contains "${auditActionKey}"\n| where message contains "BLOCKED_PRIVILEGED" or message contains "OUT_OF_BAND"\n| project timestamp, message, cloud_RoleName, operation_Id'

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmailAddresses)) {
  name: '${ruleName}-ag'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'ephemgate'
    enabled: true
    emailReceivers: [for (address, i) in alertEmailAddresses: {
      name: 'email-${i}'
      emailAddress: address
      useCommonAlertSchema: true
    }]
  }
}

resource blockedPrivilegedRule 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: ruleName
  location: location
  kind: 'LogAlert'
  tags: tags
  properties: {
    displayName: 'EphemGate: privileged target blocked, or a pass created outside EphemGate'
    description: 'A BLOCKED_PRIVILEGED audit event (someone asked for a Temporary Access Pass for a protected account) or an OUT_OF_BAND one (a pass was created outside EphemGate) was logged by the self-service or helpdesk handler.'
    severity: 1
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    autoMitigate: false
    criteria: {
      allOf: [
        {
          query: auditAlertQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: empty(alertEmailAddresses) ? [] : [
        actionGroup.id
      ]
    }
  }
}

output ruleId string = blockedPrivilegedRule.id
