from aliyunsdkcore.client import AcsClient

client = AcsClient("LTAIRANlCMPlJwf93TrSD1EG", "gbKxpEtzbChSdGTm554wd8IggvNQzT", "cn-hangzhou")
