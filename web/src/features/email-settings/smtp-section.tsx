import { Alert, Checkbox, Select, TextInput } from '@mantine/core';
import { WarningIcon } from '../../components/icons.tsx';
import { SettingsSection } from '../../components/settings-section.tsx';
import { defaultPorts, parseSmtpServer, type ConnectionType } from '../../shared/settings.ts';
import { checkboxProps, textProps, type SectionProps } from './field-props.ts';
import { PasswordField } from './password-field.tsx';

export const connectionTypeLabels: Record<ConnectionType, string> = {
  none: 'Not Secured',
  ssl: 'SSL',
  tls: 'TLS',
};

const connectionTypeOptions = (Object.keys(connectionTypeLabels) as ConnectionType[]).map(
  (value) => ({ value, label: connectionTypeLabels[value] }),
);

interface SmtpSectionProps extends SectionProps {
  passwordSet: boolean;
  replacingPassword: boolean;
  onReplacingPasswordChange: (replacing: boolean) => void;
}

/** Where mail goes and how the portal signs in there. */
export function SmtpSection({ form, readOnly, ...password }: SmtpSectionProps) {
  const { values } = form;
  const authorization = values.authorizationRequired;

  return (
    <SettingsSection
      title="SMTP server"
      description="The outgoing mail server and the account the portal sends from."
    >
      <TextInput
        label="SMTP Server"
        description={<SmtpServerHelp server={values.smtpServer} type={values.connectionType} />}
        {...textProps(form, 'smtpServer', readOnly)}
      />
      <TextInput
        label="E-mail Address"
        type="email"
        description="The address of the sending account, such as portal@example.com. Servers
          check it as the sender of every message."
        {...textProps(form, 'emailAddress', readOnly)}
      />
      <Checkbox
        label="Authorization Required"
        description="Turn on when the server asks for a login and password before it accepts
          mail."
        {...checkboxProps(form, 'authorizationRequired', readOnly)}
      />
      <TextInput
        label="E-mail Login"
        autoComplete="off"
        description="The user name of the sending account, often its e-mail address."
        disabled={!readOnly && !authorization}
        {...textProps(form, 'login', readOnly)}
      />
      <PasswordField form={form} readOnly={readOnly} disabled={!authorization} {...password} />
      <Select
        label="Connection Type"
        description="Not Secured sends in plain text. SSL is encrypted from the first byte. TLS
          switches to encryption (STARTTLS) before signing in and never falls back to plain
          text. Certificates are always checked."
        data={connectionTypeOptions}
        allowDeselect={false}
        {...textProps(form, 'connectionType', readOnly)}
      />
      {authorization && values.connectionType === 'none' && (
        <Alert color="orange" icon={<WarningIcon />} title="The password would travel unencrypted">
          With Authorization Required and a connection that is Not Secured, the login and
          password cross the network in plain text. Choose SSL or TLS unless the server is on a
          network you trust.
        </Alert>
      )}
    </SettingsSection>
  );
}

/** The SMTP Server help, with the address the current values lead to. */
function SmtpServerHelp({ server, type }: { server: string; type: ConnectionType }) {
  const parsed = server.trim() === '' ? undefined : parseSmtpServer(server);
  const target = parsed && !('error' in parsed)
    ? `Connects to ${parsed.host}, port ${parsed.port ?? defaultPorts[type]}.`
    : undefined;
  return (
    <>
      Host or host:port, such as smtp.mail.example.com:2525 or [2001:db8::1]:587. Without a
      port, the connection type decides: 25 for Not Secured, 465 for SSL, 587 for TLS.
      {target && <> {target}</>}
    </>
  );
}
