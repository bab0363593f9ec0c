// Log alert: fires when a handler writes a BLOCKED_PRIVILEGED audit event.
//
// Every audit event is also written as one structured log line (SPEC 7.4). The custom
// handler's standard output reaches Application Insights through the Functions host as a
// `traces` row whose `message` is that line. The rule counts lines that carry both the
// audit action key and the value BLOCKED_PRIVILEGED, so the alert keys on the log line,
// not on a separate metric.

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

var blockedPrivilegedQuery = 'traces\n| where message contains "${auditActionKey}" and message contains "BLOCKED_PRIVILEGED"\n| project timestamp, message, cloud_RoleName, operation_Id'

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
    displayName: 'EphemGate: TAP request for a privileged target was blocked'
    description: 'A BLOCKED_PRIVILEGED audit event was logged by the self-service or helpdesk handler: someone asked for a Temporary Access Pass for a protected account.'
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
          query: blockedPrivilegedQuery
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
