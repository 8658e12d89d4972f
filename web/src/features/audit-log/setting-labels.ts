/** The audit log names settings by their API field; people know them by their labels. */
const labels: Record<string, string> = {
  smtpServer: 'SMTP Server',
  emailAddress: 'E-mail Address',
  authorizationRequired: 'Authorization Required',
  login: 'E-mail Login',
  password: 'Password',
  connectionType: 'Connection Type',
  senderAddressIn: "Set Sender's E-mail Address in",
  senderName: 'E-mail Sender Name',
  senderNameFormat: 'Sender name custom format',
  redirectAllToAdmin: 'Redirect All Mail to Admin',
  attachmentsAllowedInCrm: 'Attachments Allowed in CRM',
  maxAttachmentSizeKb: 'Max Attachment Size [KB]',
  queuingEnabled: 'Queuing Enabled',
  bulkIntervalSeconds: 'Bulk Sending Interval (in seconds)',
  bulkSize: 'Bulk Size (e-mail messages)',
  companyName: 'Company Name',
  administratorEmail: 'Administrator E-mail',
  portalUrl: 'Portal URL',
};

/** The label of a setting named `smtpServer` or `email.smtpServer`; unknown names as they are. */
export function settingLabel(setting: string): string {
  const name = setting.split('.').pop() ?? setting;
  return labels[name] ?? setting;
}
