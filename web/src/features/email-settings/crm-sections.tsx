import { Checkbox, NumberInput } from '@mantine/core';
import { SettingsSection } from '../../components/settings-section.tsx';
import { checkboxProps, textProps, type SectionProps } from './field-props.ts';

/** The CRM's limits: attachments, and the pace of bulk mailings. */
export function CrmSections({ form, readOnly }: SectionProps) {
  const { values } = form;
  // Numbers are short: a narrow box reads better than one across the page.
  const numberProps = {
    allowDecimal: false,
    allowNegative: false,
    styles: { wrapper: { maxWidth: 240 } },
  };

  return (
    <>
      <SettingsSection title="Attachments" description="Files attached to CRM e-mail.">
        <Checkbox
          label="Attachments Allowed in CRM"
          description="Lets users attach files to the e-mail they send from the CRM."
          {...checkboxProps(form, 'attachmentsAllowedInCrm', readOnly)}
        />
        <NumberInput
          label="Max Attachment Size [KB] (0 - Unlimited)"
          description="The largest file a CRM e-mail may carry, in kilobytes (1024 KB is 1 MB).
            0 sets no limit, though the SMTP server may still have one."
          min={0}
          disabled={!readOnly && !values.attachmentsAllowedInCrm}
          {...numberProps}
          {...textProps(form, 'maxAttachmentSizeKb', readOnly)}
        />
      </SettingsSection>

      <SettingsSection
        title="CRM bulk mailing"
        description="Some servers refuse or mark as junk many messages sent at once. Queuing
          hands CRM mail to the server in measured portions; account mail such as password
          resets never waits behind it."
      >
        <Checkbox
          label="Queuing Enabled"
          description="Queue CRM e-mail and send it at the pace below."
          {...checkboxProps(form, 'queuingEnabled', readOnly)}
        />
        <NumberInput
          label="Bulk Sending Interval (in seconds)"
          description="The length of one sending window."
          min={1}
          disabled={!readOnly && !values.queuingEnabled}
          {...numberProps}
          {...textProps(form, 'bulkIntervalSeconds', readOnly)}
        />
        <NumberInput
          label="Bulk Size (e-mail messages)"
          description="At most this many CRM messages go to the server in each window, across
            every process of the portal."
          min={1}
          disabled={!readOnly && !values.queuingEnabled}
          {...numberProps}
          {...textProps(form, 'bulkSize', readOnly)}
        />
      </SettingsSection>
    </>
  );
}
