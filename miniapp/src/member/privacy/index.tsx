import Taro, { useRouter } from '@tarojs/taro';
import PrivacySheet from '../../components/PrivacySheet';
import { Page } from '../../ui';

/**
 * The full privacy policy, linked from the profile and the privacy sheet. When
 * a page without a sheet of its own needed consent it opens this page with
 * `ask=1`: the member answers here and goes back to where they were.
 */
export default function PrivacyPage() {
  const asking = useRouter().params.ask === '1';
  return (
    <Page>
      <PrivacySheet
        mode="page"
        actions={asking}
        onDone={() => {
          if (asking) void Taro.navigateBack().catch(() => undefined);
        }}
      />
    </Page>
  );
}
